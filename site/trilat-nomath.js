/* The course website has no maths: this stands in for MathJax, which Sphinx would load from a CDN. */
