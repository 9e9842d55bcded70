//! `Transit` (legs, passengers, ancillary services), `Lodging` and `Gaming`: the
//! industry parts of an order.

use super::{
    Fields,
    buyer::{address, user_name},
    from_pb, set,
};
use crate::{
    decide::{
        AncillaryData, AncillaryService, ClassType, Gaming, Leg, Lodging, MAX_LEGS,
        MAX_PEOPLE_OR_SERVICES, Passenger, PassengerIdType, TicketDeliveryMethod, Transit,
        TransitType,
    },
    pb,
};

pub(super) fn transit(mut f: Fields<'_>, t: pb::Transit) -> Transit {
    Transit {
        transit_type: f.choice("transit_type", t.transit_type),
        legs: f.list("legs", t.legs, MAX_LEGS, leg),
        passengers: f.list(
            "passengers",
            t.passengers,
            MAX_PEOPLE_OR_SERVICES,
            passenger,
        ),
        agent_code: f.text("agent_code", t.agent_code, 64),
        agent_name: f.text("agent_name", t.agent_name, 128),
        ticket_number: f.text("ticket_number", t.ticket_number, 64),
        ticket_issuer_code: f.text("ticket_issuer_code", t.ticket_issuer_code, 64),
        restricted_ticket_indicator: f.text(
            "restricted_ticket_indicator",
            t.restricted_ticket_indicator,
            64,
        ),
        ancillary_data: f.nested("ancillary_data", t.ancillary_data, |mut f, a| {
            AncillaryData {
                services: f.list("services", a.services, MAX_PEOPLE_OR_SERVICES, service),
                connected_ticket_number: f.text(
                    "connected_ticket_number",
                    a.connected_ticket_number,
                    64,
                ),
            }
        }),
    }
}

fn leg(mut f: Fields<'_>, l: pb::Leg) -> Leg {
    Leg {
        departure_time: f.time("departure_time", l.departure_time),
        arrival_time: f.time("arrival_time", l.arrival_time),
        departure_address: f.nested("departure_address", l.departure_address, address),
        arrival_address: f.nested("arrival_address", l.arrival_address, address),
        carrier_name: f.text("carrier_name", l.carrier_name, 128),
        carrier_no: f.text("carrier_no", l.carrier_no, 64),
        class_type: f.choice("class_type", l.class_type),
        departure_airport_code: f.text("departure_airport_code", l.departure_airport_code, 8),
        arrival_airport_code: f.text("arrival_airport_code", l.arrival_airport_code, 8),
        fare_basis: f.text("fare_basis", l.fare_basis, 64),
        coupon_number: f.text("coupon_number", l.coupon_number, 64),
        flight_number: f.text("flight_number", l.flight_number, 64),
        passenger_name_record: f.text("passenger_name_record", l.passenger_name_record, 64),
        ticket_delivery_method: f.choice("ticket_delivery_method", l.ticket_delivery_method),
        ticket_delivery_recipient: f.text(
            "ticket_delivery_recipient",
            l.ticket_delivery_recipient,
            256,
        ),
    }
}

fn passenger(mut f: Fields<'_>, p: pb::Passenger) -> Passenger {
    Passenger {
        passenger_name: f.nested("passenger_name", p.passenger_name, user_name),
        passenger_email: f.text("passenger_email", p.passenger_email, 64),
        passenger_phone_no: f.text("passenger_phone_no", p.passenger_phone_no, 32),
        passenger_id: f.text("passenger_id", p.passenger_id, 64),
        passenger_id_type: f.choice("passenger_id_type", p.passenger_id_type),
        passenger_code: f.text("passenger_code", p.passenger_code, 64),
    }
}

fn service(mut f: Fields<'_>, s: pb::AncillaryService) -> AncillaryService {
    AncillaryService {
        category_code: f.text("category_code", s.category_code, 64),
        sub_category_code: f.text("sub_category_code", s.sub_category_code, 64),
    }
}

pub(super) fn lodging(mut f: Fields<'_>, l: pb::Lodging) -> Lodging {
    Lodging {
        hotel_name: f.text("hotel_name", l.hotel_name, 128),
        hotel_address: f.nested("hotel_address", l.hotel_address, address),
        check_in_date: f.time("check_in_date", l.check_in_date),
        check_out_date: f.time("check_out_date", l.check_out_date),
        number_of_nights: set(l.number_of_nights),
        number_of_rooms: set(l.number_of_rooms),
        guest_names: f.list(
            "guest_names",
            l.guest_names,
            MAX_PEOPLE_OR_SERVICES,
            user_name,
        ),
        room_class: f.text("room_class", l.room_class, 128),
        ticket_delivery_method: f.choice("ticket_delivery_method", l.ticket_delivery_method),
        ticket_delivery_recipient: f.text(
            "ticket_delivery_recipient",
            l.ticket_delivery_recipient,
            256,
        ),
    }
}

pub(super) fn gaming(mut f: Fields<'_>, g: pb::Gaming) -> Gaming {
    Gaming {
        game_name: f.text("game_name", g.game_name, 128),
        topped_up_user: f.text("topped_up_user", g.topped_up_user, 128),
        topped_up_email: f.text("topped_up_email", g.topped_up_email, 64),
        topped_up_phone_no: f.text("topped_up_phone_no", g.topped_up_phone_no, 32),
    }
}

from_pb! {
    TransitType => TransitType {
        Flight => Flight,
        Train => Train,
        Cruise => Cruise,
        Coach => Coach,
    }
    ClassType => ClassType {
        Firstlevel => Firstlevel,
        Secondlevel => Secondlevel,
        Thirdlevel => Thirdlevel,
    }
    TicketDeliveryMethod => TicketDeliveryMethod {
        PickUp => PickUp,
        Email => Email,
        Post => Post,
        Phone => Phone,
    }
    PassengerIdType => PassengerIdType {
        Passport => Passport,
        NationalIdCard => NationalIdCard,
        DriverLicense => DriverLicense,
        MilitaryId => MilitaryId,
        GreenCard => GreenCard,
        TravelDocument => TravelDocument,
        AlienRegistrationCard => AlienRegistrationCard,
        BirthCertificate => BirthCertificate,
        Others => Others,
    }
}
