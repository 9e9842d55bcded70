//! `Env` and `BrowserInfo`: the device and browser a buyer ordered from.

use super::{Fields, from_pb, set};
use crate::{
    decide::{BrowserInfo, Env, OsType, TerminalType},
    pb,
};

/// `colorDepth`'s values (bits per pixel), as Antom lists them.
const COLOR_DEPTHS: [u32; 9] = [1, 4, 8, 15, 16, 24, 30, 32, 48];

/// `timeZoneOffset`'s range, in minutes, as a browser's `getTimezoneOffset()` gives it:
/// from Kiribati's -840 (UTC+14; New Zealand summer is -780, Chatham -825) to -720's
/// mirror, 720 (UTC-12). Wider than the -720 to 720 Antom documents: a real browser is
/// never refused.
const TIME_ZONE_OFFSETS: std::ops::RangeInclusive<i32> = -840..=720;

pub(super) fn env(mut f: Fields<'_>, e: pb::Env) -> Env {
    Env {
        terminal_type: f.choice("terminal_type", e.terminal_type),
        os_type: f.choice("os_type", e.os_type),
        user_agent: f.text("user_agent", e.user_agent, 2048),
        device_token_id: f.text("device_token_id", e.device_token_id, 64),
        client_ip: f.text("client_ip", e.client_ip, 64),
        cookie_id: f.text("cookie_id", e.cookie_id, 128),
        extend_info: f.text("extend_info", e.extend_info, 2048),
        store_terminal_id: f.text("store_terminal_id", e.store_terminal_id, 64),
        store_terminal_request_time: f
            .time("store_terminal_request_time", e.store_terminal_request_time),
        browser_info: f.nested("browser_info", e.browser_info, browser_info),
        color_depth: set(e.color_depth).filter(|d| {
            let known = COLOR_DEPTHS.contains(d);
            if !known {
                let one_of = "must be one of 1, 4, 8, 15, 16, 24, 30, 32 or 48 (0: not set)";
                f.violation("color_depth", format!("{one_of}, got {d}"));
            }
            known
        }),
        screen_height: set(e.screen_height),
        screen_width: set(e.screen_width),
        time_zone_offset: e.time_zone_offset.filter(|m| {
            let known = TIME_ZONE_OFFSETS.contains(m);
            if !known {
                f.violation("time_zone_offset", format!("must be -840 to 720, got {m}"));
            }
            known
        }),
        device_brand: f.text("device_brand", e.device_brand, 64),
        device_model: f.text("device_model", e.device_model, 128),
        device_language: f.text("device_language", e.device_language, 32),
        device_id: f.text("device_id", e.device_id, 128),
        os_version: f.text("os_version", e.os_version, 32),
    }
}

fn browser_info(mut f: Fields<'_>, b: pb::BrowserInfo) -> BrowserInfo {
    BrowserInfo {
        accept_header: f.text("accept_header", b.accept_header, 2048),
        java_enabled: b.java_enabled,
        java_script_enabled: b.java_script_enabled,
        language: f.text("language", b.language, 32),
        user_agent: f.text("user_agent", b.user_agent, 2048),
    }
}

from_pb! {
    TerminalType => TerminalType {
        Web => Web,
        Wap => Wap,
        App => App,
        MiniApp => MiniApp,
    }
    OsType => OsType {
        Ios => Ios,
        Android => Android,
    }
}
