// electron-builder's afterPack hook (electron-builder.yml): runs after the app's files are in place
// and before the fuses are flipped and the app is signed. The check is TypeScript, loaded with tsx.
import { tsImport } from 'tsx/esm/api';

export default async function afterPack(context) {
  const { verifyPackagedBuild } = await tsImport('./electron-native.ts', import.meta.url);
  await verifyPackagedBuild(
    context.packager.getResourcesDir(context.appOutDir),
    context.packager.info.framework.version,
  );
}
