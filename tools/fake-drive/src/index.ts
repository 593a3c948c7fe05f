// @hawq-ts/fake-drive: a loopback Google Drive for tests, benchmarks and offline demos.

export { makeTarGz, type TarEntry } from './archive.js';
export { demoCheckpoint, makeDemoArchives } from './demo.js';
export { isScenario, SCENARIOS, type ScenarioName } from './scenarios.js';
export { filesFromDir } from './serve-dir.js';
export {
  type FakeDrive,
  type FakeDriveOptions,
  type FakeFile,
  type HostRole,
  type LoggedRequest,
  startFakeDrive,
} from './server.js';
