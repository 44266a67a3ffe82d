// The plain W3C WebDriver client the app's end-to-end tests, the package
// test and the page tests share: HTTP calls to a driver (tauri-driver,
// chromedriver, WebKitWebDriver) and a polling wait.

export const DRIVER = process.env.SATCHEL_WEBDRIVER || 'http://127.0.0.1:4444';
/** The W3C element reference key. */
export const ELEMENT = 'element-6066-11e4-a23f-4d0a1f0f0e2b';

/** One WebDriver command; throws with the driver's answer when it fails. */
export async function wd(method, path, body, driver = DRIVER) {
  return wdAt(method, path, body, driver);
}

async function wdAt(method, path, body, driver) {
  const res = await fetch(`${driver}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns something truthy, or fails after `ms`. */
export async function until(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/** Starts the app at `application` (with launch `args`) and returns helpers
 * bound to that WebDriver session. */
export async function openApp(application, args = []) {
  return openSession({ 'tauri:options': { application, args } });
}

/** Opens a session with `capabilities` on the driver at `driver` and
 * returns helpers bound to it. */
export async function openSession(capabilities, driver = DRIVER) {
  const wd = (method, path, body) => wdAt(method, path, body, driver);
  const { sessionId } = await wd('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
  const s = (path) => `/session/${sessionId}${path}`;
  const exec = (script, a = []) => wd('POST', s('/execute/sync'), { script, args: a });
  /** Runs `script`, which calls its last argument with the result. */
  const execAsync = (script, a = []) => wd('POST', s('/execute/async'), { script, args: a });
  const find = async (css) => {
    const e = await wd('POST', s('/element'), { using: 'css selector', value: css });
    return e[ELEMENT] ?? e.ELEMENT ?? Object.values(e)[0];
  };
  const click = async (css) => {
    try {
      return await wd('POST', s(`/element/${await find(css)}/click`), {});
    } catch (e) {
      throw new Error(`clicking ${css}: ${e.message}`);
    }
  };
  return {
    exec,
    execAsync,
    find,
    click,
    text: async (css) => wd('GET', s(`/element/${await find(css)}/text`)),
    /** Types `text` into the element (key events, as a person would). */
    type: async (css, text) => wd('POST', s(`/element/${await find(css)}/value`), { text }),
    /** A PNG screenshot of the window, base64. */
    screenshot: () => wd('GET', s('/screenshot')),
    /** Loads `url` in the session's window (browsers). */
    navigate: (url) => wd('POST', s('/url'), { url }),
    /** Sets a file input's files (paths on the driver's machine, newline-separated). */
    upload: async (css, paths) => wd('POST', s(`/element/${await find(css)}/value`), { text: paths.join('\n') }),
    close: () => wd('DELETE', `/session/${sessionId}`).catch(() => {}),
  };
}
