// Debian's Chromium, headless, with nothing that reaches the network.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export const chromiumLaunch = { executablePath: '/usr/bin/chromium', args: chromiumArgs };
