//! The README's Rust quick start (a test keeps the two equal and runs it against the local
//! server): every connector, a customer and its Connect link, then the customer's connections
//! with their credentials. The token and base URL come from OPENINT_API_KEY and OPENINT_BASE_URL.
use openint::{
    Client, ClientOptions, CreateTokenParams, ListConnectionsParams, ListConnectorsParams,
    UpsertCustomerParams,
};

fn main() -> openint::Result<()> {
    let client = Client::new(ClientOptions::from_env().max_retries(3))?;

    // Every connector, 100 a page (leave `limit` out for the server's 50; 0 means zero items).
    for connector in client.list_connectors_auto(&ListConnectorsParams::new().limit(100))? {
        let connector = connector?;
        println!("{} {:?}", connector.name, connector.auth_type);
    }

    // A customer, and a Connect link for it that is valid for an hour.
    let customer = client.upsert_customer(&UpsertCustomerParams::new().id("cus_123"))?;
    let token = client.create_token(
        &customer.id,
        &CreateTokenParams::new().validity_in_seconds(3600.0),
    )?;
    println!("{}", token.magic_link_url);

    // The customer's connections with their credentials, across every page.
    let params = ListConnectionsParams::new()
        .customer_id(&customer.id)
        .include_secrets(true);
    for connection in client.list_connections_auto(&params)? {
        let connection = connection?;
        println!(
            "{} {:?} {:?}",
            connection.id, connection.status, connection.settings
        );
    }
    Ok(())
}
