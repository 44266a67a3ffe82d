// The two engines the page tests drive: headless Chromium (chromedriver) and
// WebKitGTK's MiniBrowser (WebKitWebDriver), at the addresses scripts/pages.sh
// started them on.
export const BROWSERS = {
  chromium: {
    driver: process.env.SATCHEL_CHROMEDRIVER,
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        // A phone-width window; root in CI needs --no-sandbox.
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--window-size=390,844'],
      },
    },
  },
  webkit: {
    driver: process.env.SATCHEL_WEBKITDRIVER,
    capabilities: {
      'webkitgtk:browserOptions': {
        binary: '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        args: ['--automation'],
      },
    },
  },
};
