// (Test code: it runs in jest on Node and drives n8n from outside, never inside n8n.)
//
// Reliability and security in a real n8n 2.x with the packed package installed as a community
// package and the sandbox as the platform (one n8n for every group):
//   1. forged and broken deliveries against an active AutoGPT Trigger (deliveries.ts);
//   2. platform faults while the AutoGPT node runs agents (faults.ts);
//   3. 1,000 signed deliveries at concurrency 20 (load.ts);
//   4. every secret searched for in n8n's executions, its log and every error message, then the
//      closing `reliability: …` line (secretsSearch.ts).
// The groups share the suite's ledger (suite.ts). Tables go to stdout and, with the closing line,
// to `<tmpdir>/n8n-nodes-autogpt-reliability.txt`.
//
// RELIABILITY_STACK=<stack.json> runs against a stack left running by test/reliability/dev-up.ts.
import { forgedDeliveries } from './deliveries';
import { platformFaults } from './faults';
import { load } from './load';
import { secrets } from './secretsSearch';
import { ReliabilitySuite } from './suite';

jest.setTimeout(10 * 60_000);

const suite = new ReliabilitySuite();

beforeAll(async () => await suite.boot(), 20 * 60_000);
afterAll(async () => await suite.h?.stop(), 60_000);

forgedDeliveries(suite);
platformFaults(suite);
load(suite);
secrets(suite);
