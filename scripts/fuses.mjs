// Electron's fuses for a packaged deadair (Electron's security checklist): no running as plain
// Node, no NODE_OPTIONS, no --inspect, the app only from its asar archive and that archive's
// integrity checked, cookies encrypted. Run on the packaged binary (or the .app) after packaging:
//   node scripts/fuses.mjs <path to the packaged Electron binary or .app>
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { fileURLToPath } from 'node:url';

/** What each fuse is set to. */
export const FUSES = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The timeline is loaded from file:// as ES modules, which need file:'s extra privileges.
  GrantFileProtocolExtraPrivileges: true,
};

export async function setFuses(binary) {
  const config = { version: FuseVersion.V1 };
  for (const [name, on] of Object.entries(FUSES)) config[FuseV1Options[name]] = on;
  await flipFuses(binary, config);
  const wire = await getCurrentFuseWire(binary);
  // The wire as read back: each fuse's state, by name ('0' off, '1' on, 'r' removed).
  return Object.fromEntries(
    Object.keys(FUSES).map((name) => [name, String.fromCharCode(wire[FuseV1Options[name]])]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const binary = process.argv[2];
  if (!binary) {
    console.error('usage: node scripts/fuses.mjs <path to the packaged Electron binary or .app>');
    process.exit(2);
  }
  try {
    console.log(await setFuses(binary));
  } catch (e) {
    console.error(`deadair: cannot set the fuses of ${binary}: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
