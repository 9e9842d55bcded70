//! `PaymentDetail`, `PaymentMethod` and its card data (`PaymentMethodMetaData`, with
//! the `CardVerificationResult` that SendPaymentResult also carries). Card numbers and
//! expiry dates are checked for their form; a violation never repeats the value.

use super::{
    Fields,
    buyer::{address, user_name},
    from_pb,
};
use crate::{
    decide::{FundingType, PaymentDetail, PaymentMethod, PaymentMethodMetaData},
    grpc::convert::payment::card_verification,
    pb,
};

pub(super) fn payment_detail(mut f: Fields<'_>, d: pb::PaymentDetail) -> PaymentDetail {
    PaymentDetail {
        amount: f.amount("amount", d.amount),
        payment_method: f.nested("payment_method", d.payment_method, payment_method),
    }
}

fn payment_method(mut f: Fields<'_>, m: pb::PaymentMethod) -> PaymentMethod {
    PaymentMethod {
        payment_method_type: f.text("payment_method_type", m.payment_method_type, 64),
        payment_method_id: f.text("payment_method_id", m.payment_method_id, 128),
        funding: f.choice("funding", m.funding),
        customer_id: f.text("customer_id", m.customer_id, 64),
        extend_info: f.text("extend_info", m.extend_info, 2048),
        require_issuer_authentication: m.require_issuer_authentication,
        payment_method_meta_data: f.nested(
            "payment_method_meta_data",
            m.payment_method_meta_data,
            card,
        ),
    }
}

fn card(mut f: Fields<'_>, m: pb::PaymentMethodMetaData) -> PaymentMethodMetaData {
    PaymentMethodMetaData {
        card_no: f.code(
            "card_no",
            m.card_no,
            |v| digits(v) && (12..=19).contains(&v.len()),
            "12 to 19 digits",
        ),
        card_bin: f.code(
            "card_bin",
            m.card_bin,
            |v| digits(v) && matches!(v.len(), 6 | 8),
            "6 or 8 digits",
        ),
        last_four_digits: f.code(
            "last_four_digits",
            m.last_four_digits,
            |v| digits(v) && v.len() == 4,
            "4 digits",
        ),
        expiry_year: f.code(
            "expiry_year",
            m.expiry_year,
            |v| digits(v) && v.len() == 2,
            "2 digits (the year's last two)",
        ),
        expiry_month: f.code(
            "expiry_month",
            m.expiry_month,
            |v| digits(v) && v.len() == 2 && ("01"..="12").contains(&v),
            "2 digits, 01 to 12",
        ),
        billing_address: f.nested("billing_address", m.billing_address, address),
        is_card_on_file: m.is_card_on_file,
        cardholder_name: f.nested("cardholder_name", m.cardholder_name, user_name),
        payer_email: f.text("payer_email", m.payer_email, 64),
        funding: f.choice("funding", m.funding),
        is_3ds_authentication: m.is_3ds_authentication,
        card_brand: f.text("card_brand", m.card_brand, 64),
        card_issuer: f.text("card_issuer", m.card_issuer, 256),
        issuing_region: f.region("issuing_region", m.issuing_region),
        card_verification_result: f.nested(
            "card_verification_result",
            m.card_verification_result,
            card_verification,
        ),
        cpf: f.text("cpf", m.cpf, 32),
    }
}

fn digits(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_digit())
}

from_pb! {
    FundingType => FundingType {
        Credit => Credit,
        Debit => Debit,
        Prepaid => Prepaid,
        Charge => Charge,
        DeferredDebit => DeferredDebit,
    }
}
