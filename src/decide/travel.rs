//! The industry parts of an order: a trip (`transit`, with its legs, passengers and
//! ancillary services), a hotel stay (`lodging`) and a game top-up (`gaming`).

use serde::Serialize;

use super::{Address, UserName};
use crate::{
    secret::{redact_some, redacted_debug},
    wire::UtcTime,
};

/// `transit`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transit {
    /// `transitType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_type: Option<TransitType>,
    /// `legs`: up to [`super::MAX_LEGS`], left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<Leg>,
    /// `passengers`: up to [`super::MAX_PEOPLE_OR_SERVICES`], left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub passengers: Vec<Passenger>,
    /// `agentCode` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_code: Option<String>,
    /// `agentName` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// `ticketNumber` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    /// `ticketIssuerCode` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_issuer_code: Option<String>,
    /// `restrictedTicketIndicator` (max 64 characters; Antom publishes no values).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted_ticket_indicator: Option<String>,
    /// `ancillaryData`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ancillary_data: Option<AncillaryData>,
}

/// `legs[]`: one leg of a trip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Leg {
    /// `departureTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_time: Option<UtcTime>,
    /// `arrivalTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_time: Option<UtcTime>,
    /// `departureAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_address: Option<Address>,
    /// `arrivalAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_address: Option<Address>,
    /// `carrierName` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier_name: Option<String>,
    /// `carrierNo` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier_no: Option<String>,
    /// `classType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_type: Option<ClassType>,
    /// `departureAirportCode` (max 8 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_airport_code: Option<String>,
    /// `arrivalAirportCode` (max 8 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_airport_code: Option<String>,
    /// `fareBasis` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fare_basis: Option<String>,
    /// `couponNumber` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon_number: Option<String>,
    /// `flightNumber` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flight_number: Option<String>,
    /// `passengerNameRecord` (max 64 characters): the booking's record locator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_name_record: Option<String>,
    /// `ticketDeliveryMethod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_delivery_method: Option<TicketDeliveryMethod>,
    /// `ticketDeliveryRecipient` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_delivery_recipient: Option<String>,
}

/// `passengers[]`. Its `Debug` hides `passenger_id` (a passport or ID card number).
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Passenger {
    /// `passengerName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_name: Option<UserName>,
    /// `passengerEmail` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_email: Option<String>,
    /// `passengerPhoneNo` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_phone_no: Option<String>,
    /// `passengerId` (max 64 characters): the identity document's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_id: Option<String>,
    /// `passengerIdType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_id_type: Option<PassengerIdType>,
    /// `passengerCode` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passenger_code: Option<String>,
}

redacted_debug!(
    /// Hides `passenger_id`; prints the rest. `self` is destructured whole, so that a new
    /// field fails to compile here until it is handled.
    Passenger {
        passenger_name,
        passenger_email,
        passenger_phone_no,
        passenger_id => redact_some,
        passenger_id_type,
        passenger_code,
    }
);

/// `ancillaryData`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AncillaryData {
    /// `services`: up to [`super::MAX_PEOPLE_OR_SERVICES`], left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<AncillaryService>,
    /// `connectedTicketNumber` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected_ticket_number: Option<String>,
}

/// `services[]` (the SDK's class `Service`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AncillaryService {
    /// `categoryCode` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_code: Option<String>,
    /// `subCategoryCode` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_category_code: Option<String>,
}

/// `lodging`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lodging {
    /// `hotelName` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotel_name: Option<String>,
    /// `hotelAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotel_address: Option<Address>,
    /// `checkInDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_date: Option<UtcTime>,
    /// `checkOutDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_out_date: Option<UtcTime>,
    /// `numberOfNights`, at least 1, sent as a decimal string.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_nights: Option<u32>,
    /// `numberOfRooms`, at least 1, sent as a decimal string.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_rooms: Option<u32>,
    /// `guestNames`: up to [`super::MAX_PEOPLE_OR_SERVICES`], left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guest_names: Vec<UserName>,
    /// `roomClass` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub room_class: Option<String>,
    /// `ticketDeliveryMethod`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_delivery_method: Option<TicketDeliveryMethod>,
    /// `ticketDeliveryRecipient` (max 256 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_delivery_recipient: Option<String>,
}

/// `gaming`: a game top-up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gaming {
    /// `gameName` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub game_name: Option<String>,
    /// `toppedUpUser` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topped_up_user: Option<String>,
    /// `toppedUpEmail` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topped_up_email: Option<String>,
    /// `toppedUpPhoneNo` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topped_up_phone_no: Option<String>,
}

/// `transitType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransitType {
    /// `FLIGHT`.
    Flight,
    /// `TRAIN`.
    Train,
    /// `CRUISE`.
    Cruise,
    /// `COACH`.
    Coach,
}

/// `classType`: Antom's words are one each (`FIRSTLEVEL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClassType {
    /// `FIRSTLEVEL`, e.g. first class.
    Firstlevel,
    /// `SECONDLEVEL`, e.g. business class.
    Secondlevel,
    /// `THIRDLEVEL`, e.g. economy class.
    Thirdlevel,
}

/// `ticketDeliveryMethod`: lower case on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketDeliveryMethod {
    /// `pick_up`.
    PickUp,
    /// `email`.
    Email,
    /// `post`.
    Post,
    /// `phone`.
    Phone,
}

/// `passengerIdType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PassengerIdType {
    /// `PASSPORT`.
    Passport,
    /// `NATIONAL_ID_CARD`.
    NationalIdCard,
    /// `DRIVER_LICENSE`.
    DriverLicense,
    /// `MILITARY_ID`.
    MilitaryId,
    /// `GREEN_CARD`.
    GreenCard,
    /// `TRAVEL_DOCUMENT`.
    TravelDocument,
    /// `ALIEN_REGISTRATION_CARD`.
    AlienRegistrationCard,
    /// `BIRTH_CERTIFICATE`.
    BirthCertificate,
    /// `OTHERS`.
    Others,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_passenger_id() {
        let passenger = Passenger {
            passenger_id: Some("X1234567".into()),
            passenger_code: Some("ADT".into()),
            ..Default::default()
        };
        let debug = format!("{passenger:?}");
        assert!(!debug.contains("X1234567"), "{debug}");
        assert!(
            debug.contains("passenger_id: Some(\"<redacted>\")"),
            "{debug}"
        );
        assert!(debug.contains("\"ADT\""), "{debug}");
        let debug = format!("{:?}", Passenger::default());
        assert!(debug.contains("passenger_id: None"), "{debug}");
    }
}
