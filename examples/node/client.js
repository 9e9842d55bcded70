// Calls antom-sidecar's RiskService with @grpc/grpc-js: two payment results
// (SendPaymentResult), a refund (SendRefundResult) and a risk report (ReportRisk), two
// risk decisions (Decide: ACCEPT, and the emulator's REJECT), then three failures whose
// google.rpc details it reads (errorDetails.js).
//
// Usage: node client.js [ADDR]   (else $ANTOM_SIDECAR_ADDR, else 127.0.0.1:50051)
'use strict';

const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { errorDetails } = require('./errorDetails');

const DEADLINE_MS = 5000; // per call
const MAX_ATTEMPTS = 3; // calls for one notification (decide: one, never resent)
const LANG = 'node';

// Stubs from the repository's proto/ at run time: no code generation step. Fields are
// camelCase in JavaScript (referenceTransactionId); enums are their names as strings;
// int64 fields take a number or a decimal string; a google.protobuf.Timestamp is
// { seconds, nanos } (protobufjs brings google/protobuf/timestamp.proto itself).
const definition = protoLoader.loadSync('antom/risk/v1/risk_service.proto', {
  includeDirs: [path.join(__dirname, '..', '..', 'proto')],
  enums: String,
  defaults: true,
});
const { RiskService } = grpc.loadPackageDefinition(definition).antom.risk.v1;

/** One unary call, as a promise; `method` is the client's name for it, e.g. 'sendRefundResult'. */
function unary(client, method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: Date.now() + DEADLINE_MS }, (err, response) =>
      err ? reject(err) : resolve(response),
    );
  });
}

/**
 * Sends a notification, and sends it again on UNAVAILABLE or RESOURCE_EXHAUSTED when the
 * sidecar says another attempt may help (RetryInfo), after the delay it asks for, or on
 * an UNAVAILABLE without details; at most MAX_ATTEMPTS calls. Resending is treated as
 * safe: each notification reports a fact, and a resend tells Antom the same fact (it
 * keys sendPaymentResult by reference_transaction_id; it documents no key for refunds
 * and risk reports). Not for decide, which is called once: see decide() below.
 */
async function sendWithRetry(client, method, request, onRetry = () => {}) {
  if (method === 'decide') throw new Error('decide is never resent: call unary() once');
  for (let attempt = 1; ; attempt++) {
    try {
      return { response: await unary(client, method, request), attempts: attempt };
    } catch (err) {
      const delayMs = retryDelayMs(err, attempt);
      if (delayMs === undefined || attempt >= MAX_ATTEMPTS) throw err;
      onRetry({ attempt, err, delayMs });
      await sleep(delayMs);
    }
  }
}

function retryDelayMs(err, attempt) {
  if (err.code !== grpc.status.UNAVAILABLE && err.code !== grpc.status.RESOURCE_EXHAUSTED) {
    return undefined;
  }
  const details = errorDetails(err);
  if (details.retryDelayMs !== undefined) return details.retryDelayMs;
  // No details at all: the sidecar did not answer (not up yet, restarting), or a proxy
  // between (a service mesh's) reset the call, perhaps after the sidecar sent it on.
  // Resending a notification is safe either way. Back off.
  if (err.code === grpc.status.UNAVAILABLE && !details.errorInfo) return 200 * 2 ** (attempt - 1);
  return undefined; // the sidecar answered without RetryInfo: another attempt would not help
}

const codeName = (code) => grpc.status[code];

/** The `ok` line's first field: what the notification told Antom. */
function what(method, request) {
  switch (method) {
    case 'sendRefundResult':
      return `refund=${request.referenceRefundId}`;
    case 'reportRisk':
      return `risk_type=${request.riskType.replace(/^RISK_TYPE_/, '')}`;
    default:
      return `status=${request.paymentStatus.replace(/^PAYMENT_STATUS_/, '')}`;
  }
}

/** Now, as a google.protobuf.Timestamp (the sidecar sends it to Antom to the second). */
function now() {
  const ms = Date.now();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

class Unexpected extends Error {}

/**
 * Asks Antom for a risk decision before authorization, with the least Decide takes: the
 * six fields Antom requires (one order, the buyer, the amount paid, one payment detail),
 * lightly filled; USD 19.00 by card. Prints its `ok` line and checks the decision.
 *
 * Decide is a query, not a notification: Antom documents no idempotency key for it, so
 * a resent decide may be evaluated, and counted, as a new attempt. This client calls it
 * once and never resends it by itself, whatever the error: not on RetryInfo, and not on
 * a bare UNAVAILABLE either, which does not prove the sidecar was never reached (a
 * service-mesh proxy answers one after a reset, perhaps after the sidecar had already
 * called Antom). The sidecar retries it itself only when no connection to Antom could be
 * made. On failure the caller decides: apply its own fallback (ask for 3-D Secure, or
 * decline), or resend the same request within its checkout's time budget.
 */
async function decide(client, ref, expected) {
  const amount = { currency: 'USD', value: 1900 };
  const response = await unary(client, 'decide', {
    referenceTransactionId: ref,
    authorizationPhase: 'AUTHORIZATION_PHASE_PRE_AUTHORIZATION',
    orders: [{ referenceOrderId: `${ref}-order`, orderAmount: amount }],
    buyer: { referenceBuyerId: 'buyer-42' },
    actualPaymentAmount: amount,
    paymentDetails: [{ amount, paymentMethod: { paymentMethodType: 'CARD' } }],
  });
  // Act on DECISION_ACCEPT only. A value these stubs do not know arrives as
  // DECISION_UNKNOWN_VALUE (or, from an older proto, a bare number), with Antom's
  // string in decisionRaw.
  const decision =
    response.decision === 'DECISION_UNKNOWN_VALUE' || typeof response.decision === 'number'
      ? `unknown:${response.decisionRaw}`
      : response.decision.replace(/^DECISION_/, '');
  console.log(`ok decision=${decision} reference=${ref} result=${response.resultCode}`);
  if (decision !== expected) throw new Unexpected(`${ref}: decision ${decision}, expected ${expected}`);
}

/** Sends a notification that must succeed; prints its `ok` line. */
async function notify(client, method, request, { showAttempts = false, onRetry = () => {} } = {}) {
  const ref = request.referenceTransactionId;
  const { response, attempts } = await sendWithRetry(client, method, request, (retry) => {
    const { attempt, err, delayMs } = retry;
    console.log(`retry reference=${ref} attempt=${attempt} code=${codeName(err.code)} after_ms=${delayMs}`);
    onRetry(retry);
  });
  console.log(
    `ok ${what(method, request)} reference=${ref} result=${response.resultCode}` +
      (showAttempts ? ` attempts=${attempts}` : ''),
  );
  return attempts;
}

/** Sends a request that must fail with `code`; returns the error and its details. */
async function expectFailure(client, request, code) {
  try {
    await sendWithRetry(client, 'sendPaymentResult', request);
  } catch (err) {
    if (err.code !== code) throw err;
    return { err, details: errorDetails(err) };
  }
  throw new Unexpected(`${request.referenceTransactionId}: succeeded, expected ${codeName(code)}`);
}

async function main() {
  const addr = process.argv[2] || process.env.ANTOM_SIDECAR_ADDR || '127.0.0.1:50051';
  const client = new RiskService(addr, grpc.credentials.createInsecure());
  try {
    // A payment that succeeded.
    await notify(client, 'sendPaymentResult', {
      referenceTransactionId: `${LANG}-success-1`,
      paymentStatus: 'PAYMENT_STATUS_SUCCESS',
      paymentMethodProvider: 'VISA',
    });

    // A payment the issuer declined after a 3-D Secure challenge.
    await notify(client, 'sendPaymentResult', {
      referenceTransactionId: `${LANG}-fail-1`,
      paymentStatus: 'PAYMENT_STATUS_FAIL',
      paymentMethodProvider: 'VISA',
      authorizationError: { errorCode: '05', errorMessage: 'Do not honor' },
      cardVerificationResult: {
        authenticationType: 'AUTHENTICATION_TYPE_3D',
        authenticationMethod: '3DS',
        cvvResult: 'Y',
        avsResult: 'Y',
        authorizationCode: '10000',
        threeDsResult: {
          threeDsVersion: '2.2.0',
          threeDsInteractionMode: 'THREE_DS_INTERACTION_MODE_CHALLENGE',
          eci: '05',
          cavv: 'AAABCZIhcQAAAABZlyFxAAAAAAA=',
        },
      },
    });

    // A partial refund of the first payment: one item of USD 10.00, in minor units (cents).
    const item = { currency: 'USD', value: 1000 };
    await notify(client, 'sendRefundResult', {
      referenceTransactionId: `${LANG}-success-1`,
      referenceRefundId: `${LANG}-refund-1`,
      actualRefundAmount: item, // the total refunded on this transaction so far
      refundRecords: [
        {
          referenceOrderId: `${LANG}-success-1-order`,
          referenceGoodsId: 'sku-42',
          amount: item,
          refundReason: 'damaged in transit',
          refundTime: now(),
        },
      ],
    });

    // The declined payment reported as suspicious.
    await notify(client, 'reportRisk', {
      referenceTransactionId: `${LANG}-fail-1`,
      riskType: 'RISK_TYPE_SUSPICIOUS',
      reportReason: '3-D Secure challenge failed; card tried on several accounts',
      riskOccurrenceTime: now(),
    });

    // Two risk decisions: Antom (the emulator) accepts the first; it rejects the second,
    // because of its emu-reject- prefix. Both calls succeed: the decision is the answer.
    await decide(client, `${LANG}-decide-1`, 'ACCEPT');
    await decide(client, `emu-reject-${LANG}-decide-1`, 'REJECT');

    // Antom refuses the call (the emulator's emu-code- prefix): ErrorInfo from antom.com.
    {
      const ref = `emu-code-PARAM_ILLEGAL-${LANG}-1`;
      const request = {
        referenceTransactionId: ref,
        paymentStatus: 'PAYMENT_STATUS_SUCCESS',
        paymentMethodProvider: 'VISA',
      };
      const { err, details } = await expectFailure(client, request, grpc.status.INVALID_ARGUMENT);
      const info = requireErrorInfo(ref, details);
      console.log(
        `error reference=${ref} code=${codeName(err.code)} domain=${info.domain} reason=${info.reason}` +
          ` result_status=${info.metadata.resultStatus} retry=${details.retryInfo ? 'yes' : 'no'}`,
      );
    }

    // The sidecar refuses the call before the network: BadRequest names every bad field.
    {
      const ref = `${LANG}-invalid-1`;
      const request = {
        referenceTransactionId: ref,
        paymentStatus: 'PAYMENT_STATUS_SUCCESS',
        paymentMethodProvider: '', // required
        cardVerificationResult: { threeDsResult: { eci: '050505050' } }, // at most 8 characters
      };
      const { err, details } = await expectFailure(client, request, grpc.status.INVALID_ARGUMENT);
      const info = requireErrorInfo(ref, details);
      if (!details.badRequest) throw new Unexpected(`${ref}: no BadRequest in the error details`);
      const fields = details.badRequest.fieldViolations.map((v) => v.field).join(',');
      console.log(
        `invalid reference=${ref} code=${codeName(err.code)} domain=${info.domain} reason=${info.reason} fields=${fields}`,
      );
    }

    // Antom answers UNKNOWN_EXCEPTION to the first 3 attempts (emu-flaky-3-); the dev
    // sidecar makes 3 itself, then answers UNAVAILABLE with RetryInfo; ours succeeds.
    const ref = `emu-flaky-3-${LANG}-1`;
    const retries = [];
    const attempts = await notify(
      client,
      'sendPaymentResult',
      { referenceTransactionId: ref, paymentStatus: 'PAYMENT_STATUS_SUCCESS', paymentMethodProvider: 'VISA' },
      { showAttempts: true, onRetry: (retry) => retries.push(retry) },
    );
    const unasked = retries.find(({ err }) => err.code !== grpc.status.UNAVAILABLE || !errorDetails(err).retryInfo);
    if (unasked) {
      throw new Unexpected(`${ref}: retried after ${codeName(unasked.err.code)} without RetryInfo`);
    }
    if (attempts > 2) throw new Unexpected(`${ref}: ${attempts} calls, expected 2`);
    if (attempts === 1) {
      console.error(
        'note: no retry was needed: the emulator counts attempts per reference ID, and this one ' +
          'had already been sent to it; restart the dev sidecar to see the retry again',
      );
    }
  } finally {
    client.close();
  }
}

function requireErrorInfo(ref, details) {
  if (!details.errorInfo) throw new Unexpected(`${ref}: no ErrorInfo in the error details`);
  return details.errorInfo;
}

main().catch((err) => {
  if (err instanceof Unexpected) {
    console.error(`unexpected: ${err.message}`);
  } else if (typeof err.code === 'number') {
    const info = errorDetails(err).errorInfo;
    const reason = info ? ` (${info.domain} ${info.reason})` : '';
    console.error(`unexpected: ${codeName(err.code)}${reason}: ${err.details}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
});
