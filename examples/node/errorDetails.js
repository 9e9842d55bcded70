// Decodes the google.rpc error details (ErrorInfo, RetryInfo, BadRequest) that a gRPC
// server sends in a failed call's `grpc-status-details-bin` trailer, for @grpc/grpc-js.
//
// Copy this file into your project as it is. It needs only protobufjs, which
// @grpc/grpc-js already installs (through @grpc/proto-loader): the few google.rpc
// messages it reads are declared below, so no .proto files, google-proto-files or
// import resolver are needed. Field numbers are those of googleapis'
// google/rpc/status.proto and google/rpc/error_details.proto.
'use strict';

const protobuf = require('protobufjs');

const string = (id) => ({ type: 'string', id });

const root = protobuf.Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: { fields: { typeUrl: string(1), value: { type: 'bytes', id: 2 } } },
            Duration: {
              fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } },
            },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: string(2),
                details: { rule: 'repeated', type: 'google.protobuf.Any', id: 3 },
              },
            },
            ErrorInfo: {
              fields: {
                reason: string(1),
                domain: string(2),
                metadata: { keyType: 'string', type: 'string', id: 3 },
              },
            },
            RetryInfo: { fields: { retryDelay: { type: 'google.protobuf.Duration', id: 1 } } },
            BadRequest: {
              fields: { fieldViolations: { rule: 'repeated', type: 'FieldViolation', id: 1 } },
              nested: {
                FieldViolation: {
                  fields: {
                    field: string(1),
                    description: string(2),
                    reason: string(3),
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

const Status = root.lookupType('google.rpc.Status');
const known = {
  'type.googleapis.com/google.rpc.ErrorInfo': ['errorInfo', root.lookupType('google.rpc.ErrorInfo')],
  'type.googleapis.com/google.rpc.RetryInfo': ['retryInfo', root.lookupType('google.rpc.RetryInfo')],
  'type.googleapis.com/google.rpc.BadRequest': ['badRequest', root.lookupType('google.rpc.BadRequest')],
};
const plain = { longs: Number, defaults: true, arrays: true, objects: true };

/**
 * The error details of a failed grpc-js call.
 *
 * @param {import('@grpc/grpc-js').ServiceError} err the error a call ended with
 * @returns {{
 *   errorInfo?: { reason: string, domain: string, metadata: Record<string, string> },
 *   retryInfo?: { retryDelay: { seconds: number, nanos: number } },
 *   badRequest?: { fieldViolations: { field: string, description: string, reason: string }[] },
 *   retryDelayMs?: number,
 *   other: { typeUrl: string, value: Uint8Array }[],
 * }} each known detail found (absent when the server sent none of that type), the
 *   RetryInfo delay in milliseconds, and any other details undecoded
 */
function errorDetails(err) {
  const result = { other: [] };
  const trailer = err && err.metadata ? err.metadata.get('grpc-status-details-bin') : [];
  if (trailer.length === 0) return result; // no details: e.g. the server was unreachable
  // grpc-js has already base64-decoded the -bin trailer into a Buffer.
  for (const any of Status.decode(trailer[0]).details) {
    const entry = known[any.typeUrl];
    if (entry) {
      const [name, type] = entry;
      result[name] = type.toObject(type.decode(any.value), plain);
    } else {
      result.other.push({ typeUrl: any.typeUrl, value: any.value });
    }
  }
  if (result.retryInfo) {
    const { seconds, nanos } = result.retryInfo.retryDelay || { seconds: 0, nanos: 0 };
    result.retryDelayMs = seconds * 1000 + Math.round(nanos / 1e6);
  }
  return result;
}

module.exports = { errorDetails };
