"""grpcio client for the deadline benchmark: CALLS calls at a DEADLINE_MS deadline to a call
that Antom (the emulator) holds for longer, one at a time, counting the replies that
carry the sidecar's details (google.rpc.Status in grpc-status-details-bin) rather than
only the client's own DEADLINE_EXCEEDED.

Usage: python client.py ADDRESS CALLS DEADLINE_MS
Prints one line: "grpcio: N of CALLS with details".
"""

import sys
import time

import grpc

METHOD = "/antom.risk.v1.RiskService/SendPaymentResult"


def field(number, value):
    """A length-delimited protobuf field."""
    data = value.encode()
    return bytes([number << 3 | 2, len(data)]) + data


def request(reference):
    # reference_transaction_id = 1, payment_status = 2 (SUCCESS = 1), payment_method_provider = 5
    return field(1, reference) + bytes([2 << 3, 1]) + field(5, "VISA")


def main():
    address, calls, deadline_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    channel = grpc.insecure_channel(address)
    call = channel.unary_unary(METHOD, request_serializer=None, response_deserializer=None)
    grpc.channel_ready_future(channel).result(timeout=10)
    with_details, codes = 0, {}
    run = int(time.time() * 1000)
    for i in range(calls):
        try:
            call(request(f"emu-delay-2000-py-{run}-{i}"), timeout=deadline_ms / 1000)
            codes["OK"] = codes.get("OK", 0) + 1
        except grpc.RpcError as err:
            codes[err.code().name] = codes.get(err.code().name, 0) + 1
            trailers = dict(err.trailing_metadata() or ())
            if trailers.get("grpc-status-details-bin"):
                with_details += 1
    print(f"grpcio: {with_details} of {calls} with details {codes}")


if __name__ == "__main__":
    main()
