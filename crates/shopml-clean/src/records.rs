//! The typed records that cleaning produces and the feature crates consume.

use serde::{Deserialize, Serialize};
use shopml_core::Timestamp;

/// One order line (one product on one invoice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    /// Invoice / order number, as in the export (a leading `C` marks a cancellation in Online Retail).
    pub invoice: String,
    /// Product code (stock keeping unit).
    pub product: String,
    /// Free-text product description, if exported.
    pub description: Option<String>,
    /// Units on the line; negative for returns.
    pub quantity: f64,
    /// When the order was placed (UTC).
    pub timestamp: Timestamp,
    /// Price per unit in the shop's currency.
    pub unit_price: f64,
    /// Customer id, normalised (`17850.0` becomes `17850`); `None` for guest orders.
    pub customer: Option<String>,
    /// Customer's country, if exported.
    pub country: Option<String>,
    /// One-based line number in the source file (the header is line 1).
    pub line: u64,
}

impl Transaction {
    /// `quantity × unit_price`.
    pub fn value(&self) -> f64 {
        self.quantity * self.unit_price
    }
}

/// What a user did with an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// Viewed a product page.
    View,
    /// Added to the cart.
    Cart,
    /// Removed from the cart.
    RemoveFromCart,
    /// Bought.
    Purchase,
    /// Any other event type, by its name in the export.
    Other(String),
}

impl EventKind {
    /// Parses the usual spellings (`view`, `cart`/`addtocart`, `remove_from_cart`,
    /// `purchase`/`transaction`), case-insensitively; anything else is `Other`.
    pub fn parse(s: &str) -> EventKind {
        match s.trim().to_ascii_lowercase().as_str() {
            "view" | "pageview" | "page_view" | "detail" => EventKind::View,
            "cart" | "addtocart" | "add_to_cart" => EventKind::Cart,
            "remove_from_cart" | "removefromcart" => EventKind::RemoveFromCart,
            "purchase" | "transaction" | "buy" | "order" => EventKind::Purchase,
            other => EventKind::Other(other.to_string()),
        }
    }
}

/// One behaviour event (click-stream row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// User (visitor or customer) id.
    pub user: String,
    /// Item (product) id.
    pub item: String,
    /// Event type.
    pub kind: EventKind,
    /// When it happened (UTC).
    pub timestamp: Timestamp,
    /// Session id, if exported.
    pub session: Option<String>,
    /// Price shown or paid, if exported.
    pub price: Option<f64>,
    /// One-based line number in the source file.
    pub line: u64,
}
