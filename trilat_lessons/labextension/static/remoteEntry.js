/* trilat-lessons' JupyterLab extension, written by hand (no build step): a module-federation
 * container as JupyterLab loads one (window._JUPYTERLAB[name] with init() and get(); see
 * jupyterlab's bootstrap.js). It needs no shared module, so there is nothing to bundle. Its one
 * plugin loads guard.js, beside this file, once the application starts: the page guard then
 * covers every notebook, trusted or not. */
(function () {
  var here = document.currentScript ? document.currentScript.src : '';
  var guardUrl = here.replace(/remoteEntry\.js(\?.*)?$/, 'guard.js$1');
  var plugin = {
    id: 'trilat-lessons:page-guard',
    description: 'Keeps keys typed in outputs and lesson links away from notebook shortcuts;'
      + ' gives scrolling outputs a tab stop.',
    autoStart: true,
    activate: function () {
      if (window.__trilatLinkGuard || !guardUrl) return;
      var script = document.createElement('script');
      script.src = guardUrl;
      document.head.appendChild(script);
    }
  };
  var modules = {'./extension': {__esModule: true, default: plugin}};
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB['trilat-lessons'] = {
    init: function () { return Promise.resolve(); },
    get: function (name) {
      if (!(name in modules)) {
        return Promise.reject(new Error('trilat-lessons has no module ' + name));
      }
      return Promise.resolve(function () { return modules[name]; });
    }
  };
})();
