//! Each API's body schema: its objects and fields, the required ones, arrays, values,
//! limits and forms (the rules that apply them are in the parent module).

use super::{Form, Loose, Schema};
use crate::antom::{Api, ApiSpec, Decide, ReportRisk, SendPaymentResult, SendRefundResult};

pub(super) const AMOUNT: &[&str] = &["currency", "value"];

const PAYMENT_RESULT: Schema = Schema {
    objects: &[
        (
            "",
            &[
                "referenceTransactionId",
                "paymentStatus",
                "authorizationError",
                "cardVerificationResult",
                "paymentMethodProvider",
            ],
        ),
        ("authorizationError", &["errorCode", "errorMessage"]),
        (
            "cardVerificationResult",
            &[
                "authenticationType",
                "authenticationMethod",
                "cvvResult",
                "avsResult",
                "authorizationCode",
                "threeDSResult",
            ],
        ),
        (
            "cardVerificationResult.threeDSResult",
            &["threeDSVersion", "threeDSInteractionMode", "eci", "cavv"],
        ),
    ],
    required: &[
        ("", "referenceTransactionId"),
        ("", "paymentStatus"),
        ("", "paymentMethodProvider"),
    ],
    arrays: &[],
    values: &[("paymentStatus", &["SUCCESS", "FAIL"])],
    max_chars: &[("referenceTransactionId", 64)],
    forms: &[],
    loose: None,
};

const REFUND_RESULT: Schema = Schema {
    objects: &[
        (
            "",
            &[
                "referenceTransactionId",
                "referenceRefundId",
                "actualRefundAmount",
                "refundRecords",
            ],
        ),
        ("actualRefundAmount", AMOUNT),
        (
            "refundRecords[]",
            &[
                "referenceOrderId",
                "referenceGoodsId",
                "amount",
                "refundReason",
                "refundTime",
            ],
        ),
        ("refundRecords[].amount", AMOUNT),
    ],
    required: &[
        ("", "referenceTransactionId"),
        ("", "referenceRefundId"),
        ("", "actualRefundAmount"),
        ("", "refundRecords"),
        ("actualRefundAmount", "currency"),
        ("actualRefundAmount", "value"),
        ("refundRecords[].amount", "currency"),
        ("refundRecords[].amount", "value"),
    ],
    arrays: &[("refundRecords", 0..=100)],
    values: &[],
    max_chars: &[("referenceTransactionId", 64), ("referenceRefundId", 64)],
    forms: &[
        ("actualRefundAmount.currency", Form::Currency),
        ("actualRefundAmount.value", Form::MinorUnits),
        ("refundRecords[].amount.currency", Form::Currency),
        ("refundRecords[].amount.value", Form::MinorUnits),
        ("refundRecords[].refundTime", Form::DateTime),
    ],
    loose: None,
};

const RISK_REPORT: Schema = Schema {
    objects: &[(
        "",
        &[
            "referenceTransactionId",
            "reportReason",
            "riskType",
            "riskOccurrenceTime",
        ],
    )],
    required: &[("", "referenceTransactionId"), ("", "riskOccurrenceTime")],
    arrays: &[],
    values: &[("riskType", &["SUSPICIOUS", "CHARGEBACK", "FRAUD"])],
    max_chars: &[("referenceTransactionId", 64), ("reportReason", 2048)],
    forms: &[("riskOccurrenceTime", Form::DateTime)],
    loose: None,
};

/// `decide`: the six required top-level fields and their limits, the top-level amounts
/// strictly; orders, buyer, payment details and environment loosely (Antom publishes
/// no required marks below the top level).
const DECIDE: Schema = Schema {
    objects: &[
        (
            "",
            &[
                "referenceTransactionId",
                "authorizationPhase",
                "orders",
                "buyer",
                "actualPaymentAmount",
                "paymentDetails",
                "discountAmount",
                "env",
            ],
        ),
        ("actualPaymentAmount", AMOUNT),
        ("discountAmount", AMOUNT),
    ],
    required: &[
        ("", "referenceTransactionId"),
        ("", "authorizationPhase"),
        ("", "orders"),
        ("", "buyer"),
        ("", "actualPaymentAmount"),
        ("", "paymentDetails"),
        ("actualPaymentAmount", "currency"),
        ("actualPaymentAmount", "value"),
        ("discountAmount", "currency"),
        ("discountAmount", "value"),
    ],
    arrays: &[("orders", 1..=10), ("paymentDetails", 1..=5)],
    values: &[(
        "authorizationPhase",
        &["PRE_AUTHORIZATION", "POST_AUTHORIZATION"],
    )],
    max_chars: &[("referenceTransactionId", 64)],
    forms: &[
        ("actualPaymentAmount.currency", Form::Currency),
        ("actualPaymentAmount.value", Form::MinorUnits),
        ("discountAmount.currency", Form::Currency),
        ("discountAmount.value", Form::MinorUnits),
    ],
    loose: Some(&Loose {
        paths: &["orders[]", "buyer", "paymentDetails[]", "env"],
        amounts: &[
            "orderAmount",
            "orderDiscountAmount",
            "subTotalOrderAmount",
            "paymentAmount",
            "goodsUnitAmount",
            "goodsDiscountAmount",
            "shippingFee",
            "successfulOrderAmount",
            "amount",
        ],
        times: &[
            "goodsEndsOnTime",
            "buyerRegistrationTime",
            "dateOfLastPaidPurchase",
            "dateOfFirstPaidPurchase",
            "storeTerminalRequestTime",
            "merchantRegisterDate",
            "passwordChangeDate",
            "emailChangeDate",
            "listingChangeDate",
            "loginDate",
            "addressChangeDate",
            "departureTime",
            "arrivalTime",
            "checkInDate",
            "checkOutDate",
        ],
    }),
};

pub(super) fn schema(api: &ApiSpec) -> Option<&'static Schema> {
    match api.name {
        n if n == SendPaymentResult::SPEC.name => Some(&PAYMENT_RESULT),
        n if n == SendRefundResult::SPEC.name => Some(&REFUND_RESULT),
        n if n == ReportRisk::SPEC.name => Some(&RISK_REPORT),
        n if n == Decide::SPEC.name => Some(&DECIDE),
        _ => None,
    }
}
