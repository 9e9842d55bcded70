"""Antom's official Python SDK agrees with the sidecar on the wire: Decide.

As sdk_compare_test.py does for the three notifications: each case is sent through an
`antom-sidecar dev` process of this test's own with typed fields (stubs generated from
proto/ at run time, devmode.py), the body the emulator accepted is read back (GET
/__emulator/received), and it is compared, after json.loads, with
RiskDecideRequest(...).to_ams_json() built with the SDK's own classes (Order, Buyer,
Goods, Env, ...) from the same data. A difference prints both bodies and the paths
where they differ, and fails the run.

The data of a case is written once, as nested dicts keyed by the proto's field names,
and rendered twice:
- for the sidecar, into the generated DecideRequest (an unknown field name raises);
- for the SDK, into the SDK class of each message (RiskDecideRequest, Order, Buyer, ...,
  AncillaryService -> Service), attribute by attribute; an attribute the SDK's class does
  not have fails the case (the SDK would silently not send it). The SDK's own
  to_ams_dict then chooses every wire name and the nesting.

What the SDK needs that the sidecar does not (the SDK converts nothing):
- numbers and booleans as strings ("2", "true"): Antom asks for strings, and the SDK
  sends a Python int or bool as a JSON number or boolean;
- amounts' values as strings and times as RFC 3339 strings at seconds, "+00:00" (the
  sidecar is given a google.protobuf.Timestamp with nanoseconds, which it drops);
- payment_details as a list: the SDK declares one PaymentDetail, but the wire shape Antom
  documents is an array (set as one object, the SDK would send an object);
- paymentMethodMetaData as a plain dict: the SDK types it free-form, so its keys are
  written here (META_KEYS, after Antom's Java SDK model/risk/PaymentMethodMetaData); the
  objects inside it (address, name, card verification result) are the SDK's classes;
- Buyer.buyer_phone_no_country_code is the SDK's buyer_phone_no_contry_code (Antom's
  spelling on the wire: buyerPhoneNoContryCode).

Cases: (a) one order carrying every field, every nested message set (checked against
the proto's descriptors, so a field added later must be added here too); (b) the least
Antom requires (the six top-level fields its docs mark REQUIRED; an empty order, buyer
and payment detail are sent as {}); (c) the enum values (a) does not use, explicit
zeros and false in optional numbers and booleans, several orders and payment details,
the largest int64, unicode.

Run: bash examples/python/test.sh [path/to/antom-sidecar], or, in run.sh's venv with
requirements-test.txt installed,
python examples/python/sdk_compare_decide_test.py [path/to/antom-sidecar].
"""

import sys
import unittest
from dataclasses import dataclass

from com.alipay.ams.api.model.account_last_modified import AccountLastModified
from com.alipay.ams.api.model.address import Address
from com.alipay.ams.api.model.ancillary_data import AncillaryData
from com.alipay.ams.api.model.authorization_phase import AuthorizationPhase
from com.alipay.ams.api.model.browser_info import BrowserInfo
from com.alipay.ams.api.model.buyer import Buyer
from com.alipay.ams.api.model.card_verification_result import CardVerificationResult
from com.alipay.ams.api.model.class_type import ClassType
from com.alipay.ams.api.model.declaration import Declaration
from com.alipay.ams.api.model.declaration_biz_scene_type import DeclarationBizSceneType
from com.alipay.ams.api.model.delivery_estimate import DeliveryEstimate
from com.alipay.ams.api.model.delivery_estimate_info import DeliveryEstimateInfo
from com.alipay.ams.api.model.env import Env
from com.alipay.ams.api.model.funding_type import FundingType
from com.alipay.ams.api.model.gaming import Gaming
from com.alipay.ams.api.model.goods import Goods
from com.alipay.ams.api.model.leg import Leg
from com.alipay.ams.api.model.lodging import Lodging
from com.alipay.ams.api.model.merchant import Merchant
from com.alipay.ams.api.model.merchant_type import MerchantType
from com.alipay.ams.api.model.order import Order
from com.alipay.ams.api.model.os_type import OsType
from com.alipay.ams.api.model.passenger import Passenger
from com.alipay.ams.api.model.passenger_id_type import PassengerIdType
from com.alipay.ams.api.model.payment_detail import PaymentDetail
from com.alipay.ams.api.model.payment_method import PaymentMethod
from com.alipay.ams.api.model.risk_three_ds_result import RiskThreeDSResult
from com.alipay.ams.api.model.service import Service
from com.alipay.ams.api.model.shipping import Shipping
from com.alipay.ams.api.model.store import Store
from com.alipay.ams.api.model.terminal_type import TerminalType
from com.alipay.ams.api.model.transit import Transit
from com.alipay.ams.api.model.transit_type import TransitType
from com.alipay.ams.api.model.user_name import UserName
from com.alipay.ams.api.request.risks.risk_decide_request import RiskDecideRequest

import devmode
from devmode import pb
from sdk_compare_test import INT64_MAX, Comparing, Money, Time

# --- Rendering one neutral description into the proto and into the SDK ------------------


@dataclass(frozen=True)
class E:
    """An enum value: its name in the proto, and what an SDK user sets (the SDK's enum
    member where the SDK has an enum for it, else the wire string)."""
    proto: str
    sdk: object


def en(prefix, wire, sdk_enum=None):
    """E for the value whose wire string is `wire`: proto name PREFIX_WIRE (upper case)."""
    sdk = wire
    if sdk_enum is not None:
        try:
            sdk = sdk_enum(wire)
        except ValueError:  # the SDK's enum lacks it: an SDK user passes the string
            pass
    return E(f"{prefix}_{wire.upper()}", sdk)


# The SDK's class for each proto message (the SDK's models are shared by all of Antom's
# APIs; the names match but for Service).
SDK_CLASSES = {
    "DecideRequest": RiskDecideRequest, "Order": Order, "Goods": Goods, "Shipping": Shipping,
    "DeliveryEstimate": DeliveryEstimate, "DeliveryEstimateInfo": DeliveryEstimateInfo, "Buyer": Buyer,
    "UserName": UserName, "Address": Address, "Env": Env, "BrowserInfo": BrowserInfo, "Merchant": Merchant,
    "Store": Store, "AccountLastModified": AccountLastModified, "Transit": Transit, "Leg": Leg,
    "Passenger": Passenger, "AncillaryData": AncillaryData, "AncillaryService": Service, "Lodging": Lodging,
    "Gaming": Gaming, "Declaration": Declaration, "PaymentDetail": PaymentDetail, "PaymentMethod": PaymentMethod,
    "CardVerificationResult": CardVerificationResult, "ThreeDSResult": RiskThreeDSResult,
}
# Where the SDK's attribute is not the proto field's name.
SDK_ATTRIBUTES = {("Buyer", "buyer_phone_no_country_code"): "buyer_phone_no_contry_code"}
# paymentMethodMetaData is a free-form dict in the Python SDK: its wire keys, after Antom's
# Java SDK (model/risk/PaymentMethodMetaData).
META_KEYS = {
    "card_no": "cardNo", "card_bin": "cardBin", "last_four_digits": "lastFourDigits", "expiry_year": "expiryYear",
    "expiry_month": "expiryMonth", "billing_address": "billingAddress", "is_card_on_file": "isCardOnFile",
    "cardholder_name": "cardholderName", "payer_email": "payerEmail", "funding": "funding",
    "is_3ds_authentication": "is3DSAuthentication", "card_brand": "cardBrand", "card_issuer": "cardIssuer",
    "issuing_region": "issuingRegion", "card_verification_result": "cardVerificationResult", "cpf": "cpf",
}


def to_proto(message, data):
    """Fills a generated message from neutral data keyed by its field names."""
    for name, value in data.items():
        field = message.DESCRIPTOR.fields_by_name[name]  # KeyError: the proto has no such field
        if field.is_repeated:
            items = getattr(message, name)
            for item in value:
                if field.message_type is None:
                    items.append(proto_scalar(field, item))
                else:
                    to_proto(items.add(), item)
        elif isinstance(value, (Money, Time)):
            getattr(message, name).CopyFrom(value.proto())
        elif isinstance(value, dict):
            child = getattr(message, name)
            child.SetInParent()  # set, even when empty: then sent as {}
            to_proto(child, value)
        else:
            setattr(message, name, proto_scalar(field, value))
    return message


def proto_scalar(field, value):
    if isinstance(value, E):
        return field.enum_type.values_by_name[value.proto].number
    return value


def to_sdk(descriptor, data):
    """The SDK's object for a message (or, for PaymentMethodMetaData, the SDK's dict)."""
    if descriptor.name == "PaymentMethodMetaData":
        return {META_KEYS[name]: sdk_value(descriptor.fields_by_name[name], value) for name, value in data.items()}
    sdk_object = SDK_CLASSES[descriptor.name]()
    for name, value in data.items():
        attribute = SDK_ATTRIBUTES.get((descriptor.name, name), name)
        if not isinstance(getattr(type(sdk_object), attribute, None), property):
            raise AssertionError(f"the SDK's {type(sdk_object).__name__} has no attribute {attribute} "
                                 f"(proto {descriptor.name}.{name}): map it in SDK_ATTRIBUTES")
        setattr(sdk_object, attribute, sdk_value(descriptor.fields_by_name[name], value))
    return sdk_object


def sdk_value(field, value):
    if isinstance(value, list):
        return [sdk_value(field, item) for item in value]
    if isinstance(value, Money):
        return value.sdk()
    if isinstance(value, Time):
        return value.sdk
    if isinstance(value, dict):
        return to_sdk(field.message_type, value)
    if isinstance(value, E):
        return value.sdk
    if isinstance(value, bool):  # before int: a bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return value


def unset_fields(message, path="", skip=()):
    """The paths of the fields a message leaves unset, at any depth."""
    out = []
    for field in message.DESCRIPTOR.fields:
        where = f"{path}{field.name}"
        if where in skip:
            continue
        value = getattr(message, field.name)
        if field.is_repeated:
            if not value:
                out.append(where)
            elif field.message_type is not None:
                for item in value:
                    out.extend(unset_fields(item, f"{where}[].", skip))
        elif field.message_type is not None:
            if not message.HasField(field.name):
                out.append(where)
            elif field.message_type.full_name != "google.protobuf.Timestamp":
                out.extend(unset_fields(value, f"{where}.", skip))
        elif field.has_presence:
            if not message.HasField(field.name):
                out.append(where)
        elif value == field.default_value:
            out.append(where)
    return out


# --- The cases -----------------------------------------------------------------------

def usd(value):
    return Money("USD", value)


def name(first, last, middle="", full=""):
    return {k: v for k, v in {"first_name": first, "middle_name": middle, "last_name": last,
                               "full_name": full}.items() if v}


def address(tag):
    return {"region": "US", "state": "CA", "city": "San Jose", "address1": f"{tag} 1 Main St",
            "address2": "Suite 200", "zip_code": "95131", "label": f"{tag} label", "address3": f"{tag} line 3"}


def full_buyer(tag):
    return {
        "reference_buyer_id": f"buyer-{tag}", "buyer_name": name("Ada", "Lovelace", "K", "Ada K Lovelace"),
        "buyer_phone_no": "+14155550100", "buyer_email": "ada@example.com",
        "buyer_registration_time": Time("2024-01-02T03:04:05+00:00", 250000000), "is_account_verified": True,
        "successful_order_count": 42, "buyer_phone_no_country_code": "1", "successful_order_amount": usd(123450),
        "date_of_last_paid_purchase": Time("2026-10-01T10:00:00+00:00"),
        "date_of_first_paid_purchase": Time("2024-02-01T10:00:00+00:00", 999999999),
    }


def full_env(tag):
    return {
        "terminal_type": en("TERMINAL_TYPE", "WEB", TerminalType), "os_type": en("OS_TYPE", "ANDROID", OsType),
        "user_agent": f"Mozilla/5.0 ({tag})", "device_token_id": f"devtok-{tag}", "client_ip": "203.0.113.7",
        "cookie_id": f"cookie-{tag}", "extend_info": '{"k":"v"}', "store_terminal_id": "term-1",
        "store_terminal_request_time": Time("2026-11-28T21:44:59+00:00", 1),
        "browser_info": {"accept_header": "text/html", "java_enabled": False, "java_script_enabled": True,
                         "language": "en-US", "user_agent": "Mozilla/5.0 (browser)"},
        "color_depth": 24, "screen_height": 1080, "screen_width": 1920, "time_zone_offset": -120,
        "device_brand": "Pixel", "device_model": "Pixel 9", "device_language": "en-US", "device_id": f"device-{tag}",
        "os_version": "15",
    }


def full_goods(tag, cross_sell=None):
    goods = {
        "reference_goods_id": f"sku-{tag}", "goods_name": f"Goods {tag}",
        "goods_category": "Digital Goods/Digital Vouchers", "goods_brand": "Brand", "goods_unit_amount": usd(1000),
        "goods_quantity": 2, "goods_sku_name": "Blue, L", "goods_url": f"https://shop.example.com/p/{tag}",
        "delivery_method_type": en("DELIVERY_METHOD_TYPE", "PHYSICAL"),
        "goods_image_url": f"https://shop.example.com/i/{tag}.png", "price_id": f"price-{tag}",
        "goods_discount_amount": usd(100), "goods_ends_on_time": Time("2027-01-01T00:00:00+00:00"),
    }
    if cross_sell is not None:
        goods["cross_sell"] = cross_sell
    return goods


def full_order():
    return {
        "reference_order_id": "order-0001", "order_description": "Every field", "order_amount": usd(1900),
        "order_discount_amount": usd(100), "sub_total_order_amount": usd(2000),
        "merchant": {
            "reference_merchant_id": "sub-merchant-1", "merchant_mcc": "5411", "merchant_name": "Sub Merchant Ltd",
            "merchant_display_name": "Sub Merchant", "merchant_address": address("merchant"),
            "merchant_register_date": Time("2020-05-06T07:08:09+00:00"),
            "store": {"reference_store_id": "store-1", "store_name": "Store One", "store_mcc": "5411",
                      "store_display_name": "Store 1", "store_terminal_id": "term-1", "store_operator_id": "op-1",
                      "store_address": address("store"), "store_phone_no": "+14155550101"},
            "merchant_type": en("MERCHANT_TYPE", "ENTERPRISE", MerchantType), "number_of_trades": 1000,
            "account_last_modified": {
                "password_change_date": Time("2026-01-01T00:00:00+00:00"),
                "email_change_date": Time("2026-02-01T00:00:00+00:00"),
                "listing_change_date": Time("2026-03-01T00:00:00+00:00"),
                "login_date": Time("2026-11-28T20:00:00+00:00", 500000000),
                "address_change_date": Time("2026-04-01T00:00:00+00:00"),
            },
            "merchant_url": "https://sub.example.com", "merchant_country_code": "US",
        },
        "goods": [full_goods("1", cross_sell=full_goods("x"))],
        "shipping": {
            "shipping_name": name("Grace", "Hopper", "B", "Grace B Hopper"), "shipping_address": address("shipping"),
            "shipping_carrier": "FedEx", "shipping_phone_no": "+14155550102", "ship_to_email": "grace@example.com",
            "shipping_fee_id": "fee-1", "shipping_fee": usd(500), "shipping_description": "2-day",
            "delivery_estimate": {"minimum": {"unit": en("DELIVERY_ESTIMATE_UNIT", "DAY"), "value": 1},
                                  "maximum": {"unit": en("DELIVERY_ESTIMATE_UNIT", "DAY"), "value": 3}},
            "shipping_number": "1Z999", "notes": "Leave at door", "tracking_url": "https://track.example.com/1Z999",
        },
        "buyer": full_buyer("order"),
        "env": full_env("order"),
        "extend_info": '{"order":"x"}',
        "transit": {
            "transit_type": en("TRANSIT_TYPE", "FLIGHT", TransitType),
            "legs": [{
                "departure_time": Time("2026-12-01T08:00:00+00:00"), "arrival_time": Time("2026-12-01T11:00:00+00:00"),
                "departure_address": address("dep"), "arrival_address": address("arr"), "carrier_name": "Example Air",
                "carrier_no": "EA", "class_type": en("CLASS_TYPE", "FIRSTLEVEL", ClassType),
                "departure_airport_code": "SFO", "arrival_airport_code": "JFK", "fare_basis": "Y26",
                "coupon_number": "1", "flight_number": "EA100", "passenger_name_record": "ABC123",
                "ticket_delivery_method": en("TICKET_DELIVERY_METHOD", "email"),
                "ticket_delivery_recipient": "ada@example.com",
            }],
            "passengers": [{
                "passenger_name": name("Ada", "Lovelace", "K", "Ada K Lovelace"), "passenger_email": "ada@example.com",
                "passenger_phone_no": "+14155550100", "passenger_id": "X1234567",
                "passenger_id_type": en("PASSENGER_ID_TYPE", "PASSPORT", PassengerIdType), "passenger_code": "ADT",
            }],
            "agent_code": "AG1", "agent_name": "Agent One", "ticket_number": "0161234567890",
            "ticket_issuer_code": "016", "restricted_ticket_indicator": "1",
            "ancillary_data": {"services": [{"category_code": "BG", "sub_category_code": "0GO"}],
                               "connected_ticket_number": "0161234567891"},
        },
        "lodging": {
            "hotel_name": "Hotel One", "hotel_address": address("hotel"),
            "check_in_date": Time("2026-12-01T15:00:00+00:00"), "check_out_date": Time("2026-12-03T11:00:00+00:00"),
            "number_of_nights": 2, "number_of_rooms": 1, "guest_names": [name("Ada", "Lovelace", "K", "Ada K Lovelace"), name("Alan", "Turing", "M", "Alan M Turing")],
            "room_class": "Deluxe suite", "ticket_delivery_method": en("TICKET_DELIVERY_METHOD", "pick_up"),
            "ticket_delivery_recipient": "Ada Lovelace",
        },
        "gaming": {"game_name": "Game One", "topped_up_user": "player-1", "topped_up_email": "player@example.com",
                   "topped_up_phone_no": "+14155550103"},
        "need_declaration": True,
        "declaration": {"declaration_biz_scene": en("DECLARATION_BIZ_SCENE_TYPE", "AIRLINE", DeclarationBizSceneType),
                        "declaration_beneficiary_id": "benef-1"},
        "order_type": "ONLINE",
        "payment_amount": usd(1900),
    }


def card_meta_data():
    return {
        "card_no": "4111111111111111", "card_bin": "411111", "last_four_digits": "1111", "expiry_year": "29",
        "expiry_month": "12", "billing_address": address("billing"), "is_card_on_file": True,
        "cardholder_name": name("Ada", "Lovelace", "K", "Ada K Lovelace"), "payer_email": "ada@example.com",
        "funding": en("FUNDING_TYPE", "CREDIT", FundingType), "is_3ds_authentication": False, "card_brand": "VISA",
        "card_issuer": "Example Bank", "issuing_region": "US",
        "card_verification_result": {
            "authentication_type": en("AUTHENTICATION_TYPE", "3D"), "authentication_method": "challenge",
            "cvv_result": "Y", "avs_result": "Y", "authorization_code": "10000",
            "three_ds_result": {"three_ds_version": "2.2.0",
                                "three_ds_interaction_mode": en("THREE_DS_INTERACTION_MODE", "CHALLENGED"),
                                "eci": "05", "cavv": "AAABBEg0VhI0VniQEjRWAAAAAAA="},
        },
        "cpf": "02987654320",
    }


FULL = {
    "reference_transaction_id": "sdk-decide-full",
    "authorization_phase": en("AUTHORIZATION_PHASE", "POST_AUTHORIZATION", AuthorizationPhase),
    "orders": [full_order()],
    "buyer": full_buyer("top"),
    "actual_payment_amount": usd(1900),
    "payment_details": [{
        "amount": usd(1900),
        "payment_method": {
            "payment_method_type": "CARD", "payment_method_id": "card-token-1",
            "funding": en("FUNDING_TYPE", "CREDIT", FundingType), "customer_id": "customer-1",
            "extend_info": '{"pm":"x"}', "require_issuer_authentication": False,
            "payment_method_meta_data": card_meta_data(),
        },
    }],
    "discount_amount": usd(100),
    "env": full_env("top"),
}
# The one field FULL leaves unset: a cross-sold item's own cross-sell (one level only).
FULL_UNSET = ("orders[].goods[].cross_sell.cross_sell",)

MINIMAL = {
    "reference_transaction_id": "sdk-decide-minimal",
    "authorization_phase": en("AUTHORIZATION_PHASE", "PRE_AUTHORIZATION", AuthorizationPhase),
    "orders": [{}],
    "buyer": {},
    "actual_payment_amount": usd(1000),
    "payment_details": [{}],
}


def unit(wire):
    return en("DELIVERY_ESTIMATE_UNIT", wire)


def edge_order(i, terminal, os_type, merchant_type, delivery, units, transit, tickets):
    return {
        "reference_order_id": f"注文-{i}",
        "order_amount": Money("JPY", INT64_MAX if i == 1 else 0),
        "merchant": {"merchant_type": en("MERCHANT_TYPE", merchant_type, MerchantType), "number_of_trades": 0},
        "goods": [{"reference_goods_id": f"商品-{i}", "goods_name": "Ware – 返品 😀 «ок»",
                   "delivery_method_type": en("DELIVERY_METHOD_TYPE", delivery)}],
        "shipping": {"delivery_estimate": {"minimum": {"unit": unit(units[0]), "value": 0},
                                           "maximum": {"unit": unit(units[1])}}},
        "env": {"terminal_type": en("TERMINAL_TYPE", terminal, TerminalType),
                "os_type": en("OS_TYPE", os_type, OsType), "time_zone_offset": 0},
        "transit": {
            "transit_type": en("TRANSIT_TYPE", transit, TransitType),
            "legs": [{"class_type": en("CLASS_TYPE", c, ClassType),
                      "ticket_delivery_method": en("TICKET_DELIVERY_METHOD", t)}
                     for c, t in zip(("SECONDLEVEL", "THIRDLEVEL"), tickets)],
        },
        "lodging": {"ticket_delivery_method": en("TICKET_DELIVERY_METHOD", tickets[0])},
        "need_declaration": False,
        "declaration": {"declaration_biz_scene": en("DECLARATION_BIZ_SCENE_TYPE", "HOTEL", DeclarationBizSceneType)},
    }


def funding_detail(funding, value, interaction):
    return {"amount": Money("BHD", value),
            "payment_method": {"funding": en("FUNDING_TYPE", funding, FundingType),
                               "require_issuer_authentication": True,
                               "payment_method_meta_data": {
                                   "funding": en("FUNDING_TYPE", funding, FundingType), "is_card_on_file": False,
                                   "is_3ds_authentication": True,
                                   "card_verification_result": {
                                       "authentication_type": en("AUTHENTICATION_TYPE", "NON_3D"),
                                       "three_ds_result": {"three_ds_interaction_mode": en(
                                           "THREE_DS_INTERACTION_MODE", interaction)}}}}}


EDGES = {
    "reference_transaction_id": "sdk-decide-edges",
    "authorization_phase": en("AUTHORIZATION_PHASE", "PRE_AUTHORIZATION", AuthorizationPhase),
    "orders": [
        edge_order(1, "WAP", "IOS", "INDIVIDUAL", "DIGITAL", ("YEAR", "MONTH"), "TRAIN", ("post", "phone")),
        edge_order(2, "APP", "IOS", "INDIVIDUAL", "DIGITAL", ("HOUR", "MINUTE"), "CRUISE", ("pick_up", "email")),
        edge_order(3, "MINI_APP", "ANDROID", "ENTERPRISE", "PHYSICAL", ("SECOND", "DAY"), "COACH", ("email", "post")),
        {"transit": {"passengers": [{"passenger_id_type": en("PASSENGER_ID_TYPE", t, PassengerIdType)} for t in (
            "NATIONAL_ID_CARD", "DRIVER_LICENSE", "MILITARY_ID", "GREEN_CARD", "TRAVEL_DOCUMENT",
            "ALIEN_REGISTRATION_CARD", "BIRTH_CERTIFICATE", "OTHERS")]}},
        {},
    ],
    "buyer": {"buyer_name": name("Zoë", "Ørsted", full="Zoë Ørsted 佐藤"), "is_account_verified": False,
              "successful_order_count": 0, "successful_order_amount": Money("JPY", 0),
              "buyer_registration_time": Time("1970-01-01T00:00:00+00:00", 500000000)},
    "actual_payment_amount": Money("BHD", INT64_MAX),
    "payment_details": [funding_detail(*detail) for detail in (
        ("DEBIT", INT64_MAX, "FRICTIONLESS"), ("PREPAID", 0, "CHALLENGE"), ("CHARGE", 1, "FRICTIONLESS"),
        ("DEFERRED_DEBIT", 999, "CHALLENGE"))],
    "env": {"time_zone_offset": 720, "browser_info": {"java_enabled": True, "java_script_enabled": False},
            "store_terminal_request_time": Time("9999-12-31T23:59:59+00:00", 999999999)},
}


class DecideAgrees(Comparing, devmode.DevMode):
    """A `dev` process of the class's own; each case sent once through it."""

    def decide(self, case, data):
        request = to_proto(pb.DecideRequest(), data)
        response = self.stub.Decide(request, timeout=10)
        self.check_ok(response)
        self.assertEqual((response.decision, response.decision_raw), (pb.DECISION_ACCEPT, "ACCEPT"),
                         f"{case}: the emulator accepts what it is not told to reject")
        sdk_request = to_sdk(pb.DecideRequest.DESCRIPTOR, data)
        self.compare(case, data["reference_transaction_id"], sdk_request, sdk_request.to_ams_json())
        return request

    def test_every_field(self):
        request = self.decide("(a) one order carrying every field", FULL)
        self.assertEqual(unset_fields(request, skip=FULL_UNSET), [],
                         "FULL leaves these fields unset: add them to the case")
        print("\n ", end="", file=sys.stderr)

    def test_least_required(self):
        self.decide("(b) the least Antom requires", MINIMAL)
        print("\n ", end="", file=sys.stderr)

    def test_enum_values_zeros_and_several(self):
        self.decide("(c) other enum values, zeros and false, several orders and payment details", EDGES)
        used = set()
        for case in (FULL, EDGES):
            collect_enums(case, used)
        missing = [f"{enum.name}.{value.name}" for enum in reachable_enums(pb.DecideRequest.DESCRIPTOR)
                   for value in enum.values if value.number != 0 and value.name not in used]
        self.assertEqual(missing, [], "enum values no case sends")
        print("\n ", end="", file=sys.stderr)


def collect_enums(data, used):
    if isinstance(data, E):
        used.add(data.proto)
    elif isinstance(data, dict):
        for value in data.values():
            collect_enums(value, used)
    elif isinstance(data, list):
        for value in data:
            collect_enums(value, used)


def reachable_enums(descriptor, seen=None):
    seen = set() if seen is None else seen
    out = []
    for field in descriptor.fields:
        if field.enum_type is not None and field.enum_type.full_name not in seen:
            seen.add(field.enum_type.full_name)
            out.append(field.enum_type)
        if field.message_type is not None and field.message_type.full_name not in seen:
            seen.add(field.message_type.full_name)
            out.extend(reachable_enums(field.message_type, seen))
    return out


if __name__ == "__main__":
    unittest.main(verbosity=2)
