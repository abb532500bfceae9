// trilat-lessons: how the JupyterLite site starts Pyodide in the kernel's Web Worker.
//
// jupyter-lite.json points the Pyodide kernel at this file instead of Pyodide's own pyodide.js
// (lite/build.py copies it to static/pyodide/ and sets pyodideUrl). It fetches Pyodide's two
// largest files gzipped, as pyodide.asm.wasm.gz and pyodide.asm.js.gz beside them (written by
// the build), and unpacks them in the worker with the browser's DecompressionStream. A host
// that does not compress (python -m http.server, many school servers) then sends 3.4 MB instead
// of 11.4 MB; a host that does compress sends about the same either way. Pyodide's own files
// are unchanged, and where a .gz file is missing or unreadable, or the browser has no
// DecompressionStream, Pyodide loads its plain files as usual (docs/jupyterlite.md).
(function () {
  "use strict";

  // The file's bytes, from "<url>.gz", or null to let Pyodide fetch "<url>" itself.
  // ``looksRight`` tells the file from anything else a host may answer (an HTML error page).
  async function gunzipped(url, looksRight) {
    if (typeof DecompressionStream !== "function") return null;
    try {
      const response = await fetch(url + ".gz");
      if (!response.ok) return null;
      let bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        bytes = new Uint8Array(await new Response(stream).arrayBuffer());
      } // else the host unpacked it on the way, or sent something else: looksRight decides
      return looksRight(bytes) ? bytes : null;
    } catch (err) {
      console.warn("trilat-lessons: " + url + ".gz could not be used (" + err + ")");
      return null;
    }
  }

  // The kernel calls loadPyodide({indexURL, ...}) once this file has run (importScripts).
  self.loadPyodide = async function (options) {
    const index = new URL(options.indexURL, self.location.href).href;
    const wasmUrl = index + "pyodide.asm.wasm";
    const [wasm, asm] = await Promise.all([
      gunzipped(wasmUrl, (b) => b[0] === 0 && b[1] === 0x61 && b[2] === 0x73 && b[3] === 0x6d),
      gunzipped(index + "pyodide.asm.js", (b) => b.length > 0 && b[0] !== 0x3c), // not "<"
    ]);
    if (asm) {
      // defines _createPyodideModule, so pyodide.js does not load pyodide.asm.js again
      const url = URL.createObjectURL(new Blob([asm], { type: "text/javascript" }));
      try {
        self.importScripts(url);
      } catch (err) {
        // e.g. a page whose Content-Security-Policy forbids blob: scripts: load the plain file
        console.warn("trilat-lessons: pyodide.asm.js.gz could not be run (" + err + ")");
        self._createPyodideModule = undefined;
      } finally {
        URL.revokeObjectURL(url);
      }
    }
    const plainFetch = self.fetch;
    if (wasm) {
      // Pyodide fetches its WebAssembly once, by this address: answer from the bytes above
      self.fetch = function (input, init) {
        const href = typeof input === "string" ? new URL(input, self.location.href).href
          : input instanceof URL ? input.href : input.url;
        if (href === wasmUrl) {
          self.fetch = plainFetch;
          return Promise.resolve(
            new Response(wasm, { headers: { "Content-Type": "application/wasm" } }),
          );
        }
        return plainFetch.call(self, input, init);
      };
    }
    self.importScripts(index + "pyodide.js"); // Pyodide's own loader: replaces self.loadPyodide
    try {
      return await self.loadPyodide(options);
    } finally {
      self.fetch = plainFetch;
    }
  };
})();
