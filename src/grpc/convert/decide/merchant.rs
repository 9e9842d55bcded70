//! `Merchant`, `Store` and `AccountLastModified`: the secondary merchant of an order.

use super::{Fields, buyer::address, from_pb};
use crate::{
    decide::{AccountLastModified, Merchant, MerchantType, Store},
    pb,
};

pub(super) fn merchant(mut f: Fields<'_>, m: pb::Merchant) -> Merchant {
    Merchant {
        reference_merchant_id: f.text("reference_merchant_id", m.reference_merchant_id, 64),
        merchant_mcc: f.text("merchant_mcc", m.merchant_mcc, 32),
        merchant_name: f.text("merchant_name", m.merchant_name, 256),
        merchant_display_name: f.text("merchant_display_name", m.merchant_display_name, 256),
        merchant_address: f.nested("merchant_address", m.merchant_address, address),
        merchant_register_date: f.time("merchant_register_date", m.merchant_register_date),
        store: f.nested("store", m.store, store),
        merchant_type: f.choice("merchant_type", m.merchant_type),
        number_of_trades: f.count("number_of_trades", m.number_of_trades, 0),
        account_last_modified: f.nested(
            "account_last_modified",
            m.account_last_modified,
            account_last_modified,
        ),
        merchant_url: f.text("merchant_url", m.merchant_url, 2048),
        merchant_country_code: f.region("merchant_country_code", m.merchant_country_code),
    }
}

fn store(mut f: Fields<'_>, s: pb::Store) -> Store {
    Store {
        reference_store_id: f.text("reference_store_id", s.reference_store_id, 64),
        store_name: f.text("store_name", s.store_name, 256),
        store_mcc: f.text("store_mcc", s.store_mcc, 32),
        store_display_name: f.text("store_display_name", s.store_display_name, 256),
        store_terminal_id: f.text("store_terminal_id", s.store_terminal_id, 64),
        store_operator_id: f.text("store_operator_id", s.store_operator_id, 64),
        store_address: f.nested("store_address", s.store_address, address),
        store_phone_no: f.text("store_phone_no", s.store_phone_no, 32),
    }
}

fn account_last_modified(mut f: Fields<'_>, a: pb::AccountLastModified) -> AccountLastModified {
    AccountLastModified {
        password_change_date: f.time("password_change_date", a.password_change_date),
        email_change_date: f.time("email_change_date", a.email_change_date),
        listing_change_date: f.time("listing_change_date", a.listing_change_date),
        login_date: f.time("login_date", a.login_date),
        address_change_date: f.time("address_change_date", a.address_change_date),
    }
}

from_pb! {
    MerchantType => MerchantType {
        Individual => Individual,
        Enterprise => Enterprise,
    }
}
