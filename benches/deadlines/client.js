// grpc-js client for the deadline benchmark: CALLS calls at a DEADLINE_MS deadline to a
// call that Antom (the emulator) holds for longer, one at a time, counting the replies
// that carry the sidecar's details (grpc-status-details-bin) rather than only the
// client's own DEADLINE_EXCEEDED.
//
// Usage: node client.js ADDRESS CALLS DEADLINE_MS
// Prints one line: "grpc-js: N of CALLS with details".
'use strict';
const grpc = require('@grpc/grpc-js');

const METHOD = '/antom.risk.v1.RiskService/SendPaymentResult';

function field(number, value) {
  const data = Buffer.from(value);
  return Buffer.concat([Buffer.from([(number << 3) | 2, data.length]), data]);
}

function request(reference) {
  // reference_transaction_id = 1, payment_status = 2 (SUCCESS = 1), payment_method_provider = 5
  return Buffer.concat([field(1, reference), Buffer.from([2 << 3, 1]), field(5, 'VISA')]);
}

async function main() {
  const [address, calls, deadlineMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  await new Promise((resolve, reject) =>
    client.waitForReady(Date.now() + 10000, (err) => (err ? reject(err) : resolve())));
  const identity = (b) => b;
  const run = Date.now();
  let withDetails = 0;
  const codes = {};
  for (let i = 0; i < calls; i++) {
    const err = await new Promise((resolve) => {
      client.makeUnaryRequest(METHOD, identity, identity, request(`emu-delay-2000-js-${run}-${i}`),
        new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (e) => resolve(e));
    });
    const code = err ? grpc.status[err.code] : 'OK';
    codes[code] = (codes[code] || 0) + 1;
    if (err && err.metadata && err.metadata.get('grpc-status-details-bin').length > 0) {
      withDetails += 1;
    }
  }
  console.log(`grpc-js: ${withDetails} of ${calls} with details ${JSON.stringify(codes)}`);
  client.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
