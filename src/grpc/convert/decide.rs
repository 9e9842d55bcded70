//! `DecideRequest` → [`Decide`]: the six fields Antom requires, orders (1 to 10) and
//! payment details (1 to 5); every child optional, checked where set (lengths, codes,
//! enums, counts, amounts, times) and named by its path, e.g.
//! `orders[2].goods[0].goods_unit_amount.currency`. One file per message group.

mod buyer;
mod env;
mod merchant;
mod order;
mod payment_detail;
mod travel;

use super::{
    Check, InvalidRequest,
    fields::{Fields, Path, from_pb},
};
use crate::{
    decide::{AuthorizationPhase, Decide, MAX_ORDERS, MAX_PAYMENT_DETAILS},
    pb,
};

impl TryFrom<pb::DecideRequest> for Decide {
    type Error = InvalidRequest;

    fn try_from(req: pb::DecideRequest) -> Result<Self, Self::Error> {
        let mut c = Check::default();
        let mut f = Fields::new(&mut c, Path::Root);
        let reference_transaction_id =
            f.text("reference_transaction_id", req.reference_transaction_id, 64);
        if reference_transaction_id.is_none() {
            f.violation("reference_transaction_id", "is required");
        }
        let authorization_phase = f.choice("authorization_phase", req.authorization_phase);
        if req.authorization_phase == i32::from(pb::AuthorizationPhase::Unspecified) {
            f.violation(
                "authorization_phase",
                "is required (AUTHORIZATION_PHASE_PRE_AUTHORIZATION or \
                 AUTHORIZATION_PHASE_POST_AUTHORIZATION)",
            );
        }
        let orders = f.required_list("orders", req.orders, MAX_ORDERS, order::order);
        let buyer = f.required("buyer", req.buyer, buyer::buyer);
        if req.actual_payment_amount.is_none() {
            f.violation("actual_payment_amount", "is required");
        }
        let actual_payment_amount = f.amount("actual_payment_amount", req.actual_payment_amount);
        let payment_details = f.required_list(
            "payment_details",
            req.payment_details,
            MAX_PAYMENT_DETAILS,
            payment_detail::payment_detail,
        );
        let discount_amount = f.amount("discount_amount", req.discount_amount);
        let env = f.nested("env", req.env, env::env);
        c.finish(|| {
            Some(Self {
                reference_transaction_id: reference_transaction_id?,
                authorization_phase: authorization_phase?,
                orders,
                buyer: buyer?,
                actual_payment_amount: actual_payment_amount?,
                payment_details,
                discount_amount,
                env,
            })
        })
    }
}

/// A number where the proto's 0 means "not set".
fn set(value: u32) -> Option<u32> {
    (value != 0).then_some(value)
}

from_pb! {
    AuthorizationPhase => AuthorizationPhase {
        PreAuthorization => PreAuthorization,
        PostAuthorization => PostAuthorization,
    }
}
