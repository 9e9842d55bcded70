"""Reads the google.rpc error details that antom-sidecar puts on a failed call.

Copy this file into your project: it needs grpcio, grpcio-status and
googleapis-common-protos (grpcio-status brings the last one), nothing generated.

    import rpc_errors

    try:
        response = stub.SendPaymentResult(request, timeout=5)
    except grpc.RpcError as err:
        details = rpc_errors.details(err)
        if details.error_info:        # always there on the sidecar's errors
            print(details.error_info.domain, details.error_info.reason)
        if details.bad_request:       # INVALID_ARGUMENT before the network
            print(details.bad_fields)  # ["card_verification_result.three_ds_result.eci", ...]
        if details.retry_delay is not None:
            ...                       # calling again may help: wait this many seconds first

Every error of the sidecar carries ErrorInfo: domain "antom.com" and reason = Antom's
resultCode (metadata["resultStatus"], metadata["resultMessage"]) when Antom answered,
domain "antom-sidecar" when the sidecar itself failed. RetryInfo is present exactly
when another attempt may help; BadRequest names every invalid field by its proto path.
An error that did not come from the sidecar (say, no connection to it) has none.
"""

from dataclasses import dataclass
from typing import List, Optional

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


@dataclass
class RpcErrorDetails:
    """What a failed call said: its status, and the details it carried, if any."""

    code: grpc.StatusCode
    message: str
    error_info: Optional[error_details_pb2.ErrorInfo] = None
    retry_info: Optional[error_details_pb2.RetryInfo] = None
    bad_request: Optional[error_details_pb2.BadRequest] = None

    @property
    def retry_delay(self) -> Optional[float]:
        """RetryInfo's retry_delay in seconds, or None when there is no RetryInfo."""
        if self.retry_info is None:
            return None
        return self.retry_info.retry_delay.ToMilliseconds() / 1000

    @property
    def bad_fields(self) -> List[str]:
        """BadRequest's field paths, in the order the sidecar gave them."""
        if self.bad_request is None:
            return []
        return [violation.field for violation in self.bad_request.field_violations]


def details(err: grpc.RpcError) -> RpcErrorDetails:
    """Reads ErrorInfo, RetryInfo and BadRequest from a failed call's status details.

    `err` is the grpc.RpcError a call raised (for a unary call it is also a grpc.Call).
    rpc_status.from_call raises ValueError if the details contradict the call's own code
    or message, which the sidecar never does.
    """
    result = RpcErrorDetails(code=err.code(), message=err.details() or "")
    status = rpc_status.from_call(err)
    if status is None:
        return result
    for detail in status.details:
        for attribute, kind in (("error_info", error_details_pb2.ErrorInfo),
                                ("retry_info", error_details_pb2.RetryInfo),
                                ("bad_request", error_details_pb2.BadRequest)):
            if detail.Is(kind.DESCRIPTOR):
                message = kind()
                detail.Unpack(message)
                setattr(result, attribute, message)
    return result
