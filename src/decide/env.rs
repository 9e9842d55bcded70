//! The environment a buyer ordered from (`env`, at the top and in each order): device,
//! browser, screen, IP.

use serde::Serialize;

use crate::wire::UtcTime;

/// `env`. Every field optional: `{}` when none is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Env {
    /// `terminalType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminal_type: Option<TerminalType>,
    /// `osType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_type: Option<OsType>,
    /// `userAgent` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// `deviceTokenId` (max 64 characters): Antom's Device Fingerprint token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_token_id: Option<String>,
    /// `clientIp` (max 64 characters), sent as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<String>,
    /// `cookieId` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie_id: Option<String>,
    /// `extendInfo` (max 2048 characters), sent as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extend_info: Option<String>,
    /// `storeTerminalId` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_terminal_id: Option<String>,
    /// `storeTerminalRequestTime`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_terminal_request_time: Option<UtcTime>,
    /// `browserInfo`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser_info: Option<BrowserInfo>,
    /// `colorDepth`: bits per pixel, one of 1, 4, 8, 15, 16, 24, 30, 32, 48.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub color_depth: Option<u32>,
    /// `screenHeight` in pixels, at least 1.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub screen_height: Option<u32>,
    /// `screenWidth` in pixels, at least 1.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub screen_width: Option<u32>,
    /// `timeZoneOffset`: minutes from local time to UTC, -840 to 720 (UTC+2 is -120).
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub time_zone_offset: Option<i32>,
    /// `deviceBrand` (max 64 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_brand: Option<String>,
    /// `deviceModel` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_model: Option<String>,
    /// `deviceLanguage` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_language: Option<String>,
    /// `deviceId` (max 128 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// `osVersion` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
}

/// `browserInfo`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserInfo {
    /// `acceptHeader` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept_header: Option<String>,
    /// `javaEnabled`, sent as `"true"`/`"false"`.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub java_enabled: Option<bool>,
    /// `javaScriptEnabled`, sent as `"true"`/`"false"`.
    #[serde(
        serialize_with = "super::as_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub java_script_enabled: Option<bool>,
    /// `language` (max 32 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// `userAgent` (max 2048 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
}

/// `terminalType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TerminalType {
    /// `WEB`: a website on a computer.
    Web,
    /// `WAP`: a mobile website.
    Wap,
    /// `APP`: a mobile app.
    App,
    /// `MINI_APP`: a mini program.
    MiniApp,
}

/// `osType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OsType {
    /// `IOS`.
    Ios,
    /// `ANDROID`.
    Android,
}
