/** Intake load against a running server: node --import tsx bench/tools/intake-load.mts <port> <token> [seconds] [connections] */
import autocannon from 'autocannon';
import { intakeBody, Rng } from '../synthetic.ts';
const [port, tok, secs = '5', conns = '64'] = process.argv.slice(2);
const rng = new Rng(1);
const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections: Number(conns), duration: Number(secs), requests: [{ method: 'POST', path: '/api/v1/cases', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' }, setupRequest: (req: any) => ({ ...req, body: JSON.stringify(intakeBody(rng)) }) }] });
console.log(`${r.requests.average} req/s avg; 2xx ${r['2xx']} non2xx ${r.non2xx} p50 ${r.latency.p50} p99 ${r.latency.p99}`);
