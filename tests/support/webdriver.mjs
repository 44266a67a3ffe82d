// The plain W3C WebDriver client the app's end-to-end tests and the package
// test share: HTTP calls to tauri-driver and a polling wait.

export const DRIVER = process.env.SATCHEL_WEBDRIVER || 'http://127.0.0.1:4444';
/** The W3C element reference key. */
export const ELEMENT = 'element-6066-11e4-a23f-4d0a1f0f0e2b';

/** One WebDriver command; throws with the driver's answer when it fails. */
export async function wd(method, path, body) {
  const res = await fetch(`${DRIVER}${path}`, {
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
