// Loads Satchel's verifier (crates/satchel-wasm: the Rust verifier built for
// WebAssembly) and calls it. Plain memory in, memory out: no generated glue.
// Used by the verifier page, portfolios and the Node tests of the module.
'use strict';
(function (root) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  /** Instantiates the module from its bytes; resolves to { verify }. */
  async function instantiate(bytes) {
    let memory = null;
    const imports = {
      satchel: {
        // Verification draws no random numbers, but linked crates may ask.
        random(ptr, len) {
          try {
            const view = new Uint8Array(memory.buffer, ptr, len);
            for (let i = 0; i < len; i += 65536) root.crypto.getRandomValues(view.subarray(i, Math.min(len, i + 65536)));
            return 0;
          } catch (_) {
            return 1;
          }
        },
      },
    };
    const { instance } = await WebAssembly.instantiate(bytes, imports);
    const ex = instance.exports;
    memory = ex.memory;
    const put = (data) => {
      const ptr = ex.satchel_alloc(data.length);
      if (!ptr) throw new Error('the verifier is out of memory');
      new Uint8Array(memory.buffer, ptr, data.length).set(data);
      return ptr;
    };
    /** Verifies bytes (or text) as `request` asks (crates/satchel-wasm/src/api.rs). */
    function verify(input, request) {
      const data = typeof input === 'string' ? encoder.encode(input) : input;
      const req = encoder.encode(JSON.stringify(request));
      const a = put(data);
      const b = put(req);
      const out = ex.satchel_verify(a, data.length, b, req.length);
      ex.satchel_free(a, data.length);
      ex.satchel_free(b, req.length);
      if (!out) throw new Error('the verifier is out of memory');
      const len = new DataView(memory.buffer).getUint32(out, true);
      const text = decoder.decode(new Uint8Array(memory.buffer, out + 4, len));
      ex.satchel_free(out, len + 4);
      return JSON.parse(text);
    }
    return { verify };
  }

  /** Gunzips bytes with the browser's DecompressionStream (Node has it too). */
  async function gunzip(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  root.SatchelWasm = { instantiate, gunzip };
})(typeof globalThis !== 'undefined' ? globalThis : this);
