export { resolveFleet, withSearchPath, type Fleet, type FleetMember, type FleetSelection } from './targets.js';
export { runFleet, memberConfig, type FleetRunOptions, type FleetReport, type FleetMemberResult, type FleetEvent, type FleetOperation, type FleetVersion, type MemberContext, type MemberWork } from './run.js';
export { fleetStatus, fleetVerify, fleetUp, fleetDown, fleetSeed, fleetExec, versionOf, type FleetSeedOptions } from './operations.js';
export { defaultConcurrency, serverHeadroom, type ServerHeadroom } from './servers.js';
export { assertFleetDestructiveAllowed } from '../guard/fleet.js';
export { fleetOutcome, assertFleetNotEmpty } from './outcome.js';
