//! `Buyer`, `UserName` and `Address`: the people and places of a decide request.

use super::Fields;
use crate::{
    decide::{Address, Buyer, UserName},
    pb,
};

pub(super) fn buyer(mut f: Fields<'_>, b: pb::Buyer) -> Buyer {
    Buyer {
        reference_buyer_id: f.text("reference_buyer_id", b.reference_buyer_id, 64),
        buyer_name: f.nested("buyer_name", b.buyer_name, user_name),
        buyer_phone_no: f.text("buyer_phone_no", b.buyer_phone_no, 24),
        buyer_email: f.text("buyer_email", b.buyer_email, 64),
        buyer_registration_time: f.time("buyer_registration_time", b.buyer_registration_time),
        is_account_verified: b.is_account_verified,
        successful_order_count: f.count("successful_order_count", b.successful_order_count, 0),
        buyer_phone_no_country_code: f.text(
            "buyer_phone_no_country_code",
            b.buyer_phone_no_country_code,
            16,
        ),
        successful_order_amount: f.amount("successful_order_amount", b.successful_order_amount),
        date_of_last_paid_purchase: f
            .time("date_of_last_paid_purchase", b.date_of_last_paid_purchase),
        date_of_first_paid_purchase: f
            .time("date_of_first_paid_purchase", b.date_of_first_paid_purchase),
    }
}

pub(super) fn user_name(mut f: Fields<'_>, n: pb::UserName) -> UserName {
    UserName {
        first_name: f.text("first_name", n.first_name, 32),
        middle_name: f.text("middle_name", n.middle_name, 32),
        last_name: f.text("last_name", n.last_name, 32),
        full_name: f.text("full_name", n.full_name, 128),
    }
}

pub(super) fn address(mut f: Fields<'_>, a: pb::Address) -> Address {
    Address {
        region: f.region("region", a.region),
        state: f.text("state", a.state, 8),
        city: f.text("city", a.city, 32),
        address1: f.text("address1", a.address1, 256),
        address2: f.text("address2", a.address2, 256),
        zip_code: f.text("zip_code", a.zip_code, 32),
        label: f.text("label", a.label, 64),
        address3: f.text("address3", a.address3, 256),
    }
}
