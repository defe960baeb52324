package openint

import (
	"context"
	"iter"
)

// One method per operation of the library's table (openint_operations_json), named after its
// operationId. Each is a thin shell: it builds the params object, and the library validates,
// sends, retries and pages. Every method takes ctx first (its deadline bounds the call, its
// cancellation stops it), path parameters next, then a pointer to the operation's params (nil:
// none), then RequestOptions. operations_test.go checks this set against the table.

// ListConnectors fetches one page of connectors (GET /connector).
func (c *Client) ListConnectors(ctx context.Context, params *ListConnectorsParams, opts ...RequestOption) (*ConnectorPage, error) {
	return list[Connector](c, ctx, "listConnectors", params, opts)
}

// ListConnectorsAutoPaging lists every connector from params.Offset on, fetching pages as the
// loop advances:
//
//	for c, err := range client.ListConnectorsAutoPaging(ctx, &openint.ListConnectorsParams{Limit: openint.Ptr(100)}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(c.Name)
//	}
//
// An error is yielded once and ends the loop. A done ctx ends it before the next item with an
// error for which errors.Is(err, ctx.Err()) holds, and stops the page being fetched. Breaking
// out of the loop frees the library's page at once (and cancels pages being prefetched).
func (c *Client) ListConnectorsAutoPaging(ctx context.Context, params *ListConnectorsParams, opts ...RequestOption) iter.Seq2[Connector, error] {
	return autoPaging[Connector](c, ctx, "listConnectors", params, opts)
}

// GetConnectorConfig fetches a connector config (GET /connector-config/{id}).
func (c *Client) GetConnectorConfig(ctx context.Context, id string, params *GetConnectorConfigParams, opts ...RequestOption) (*ConnectorConfig, error) {
	return callWith[ConnectorConfig](c, ctx, "getConnectorConfig", params, opts, "id", id)
}

// UpdateConnectorConfig updates a connector config (PUT /connector-config/{id}); nil fields
// are left unchanged.
func (c *Client) UpdateConnectorConfig(ctx context.Context, id string, params *UpdateConnectorConfigParams, opts ...RequestOption) (*ConnectorConfig, error) {
	return callWith[ConnectorConfig](c, ctx, "updateConnectorConfig", params, opts, "id", id)
}

// DeleteConnectorConfig deletes a connector config (DELETE /connector-config/{id}). The
// server refuses (500) while connections use it.
func (c *Client) DeleteConnectorConfig(ctx context.Context, id string, opts ...RequestOption) (*Deleted, error) {
	return callWith[Deleted, none](c, ctx, "deleteConnectorConfig", nil, opts, "id", id)
}

// ListConnectorConfigs fetches one page of connector configs (GET /connector-config).
func (c *Client) ListConnectorConfigs(ctx context.Context, params *ListConnectorConfigsParams, opts ...RequestOption) (*Page[ConnectorConfig], error) {
	return list[ConnectorConfig](c, ctx, "listConnectorConfigs", params, opts)
}

// ListConnectorConfigsAutoPaging lists every connector config; see ListConnectorsAutoPaging.
func (c *Client) ListConnectorConfigsAutoPaging(ctx context.Context, params *ListConnectorConfigsParams, opts ...RequestOption) iter.Seq2[ConnectorConfig, error] {
	return autoPaging[ConnectorConfig](c, ctx, "listConnectorConfigs", params, opts)
}

// CreateConnectorConfig creates a connector config (POST /connector-config). Not retried
// after a failure that may have reached the server, unless WithRetryUnsafe(true).
func (c *Client) CreateConnectorConfig(ctx context.Context, params *CreateConnectorConfigParams, opts ...RequestOption) (*ConnectorConfig, error) {
	return callWith[ConnectorConfig](c, ctx, "createConnectorConfig", params, opts)
}

// GetConnection fetches a connection (GET /connection/{id}), with its credentials when
// params.IncludeSecrets.
func (c *Client) GetConnection(ctx context.Context, id string, params *GetConnectionParams, opts ...RequestOption) (*Connection, error) {
	return callWith[Connection](c, ctx, "getConnection", params, opts, "id", id)
}

// DeleteConnection deletes a connection (DELETE /connection/{id}).
func (c *Client) DeleteConnection(ctx context.Context, id string, opts ...RequestOption) (*Deleted, error) {
	return callWith[Deleted, none](c, ctx, "deleteConnection", nil, opts, "id", id)
}

// ListConnections fetches one page of connections (GET /connection).
func (c *Client) ListConnections(ctx context.Context, params *ListConnectionsParams, opts ...RequestOption) (*Page[Connection], error) {
	return list[Connection](c, ctx, "listConnections", params, opts)
}

// ListConnectionsAutoPaging lists every connection; see ListConnectorsAutoPaging. Rows are
// ordered by updated_at and a check moves a row to the front, so rows can move between pages
// while you walk them.
func (c *Client) ListConnectionsAutoPaging(ctx context.Context, params *ListConnectionsParams, opts ...RequestOption) iter.Seq2[Connection, error] {
	return autoPaging[Connection](c, ctx, "listConnections", params, opts)
}

// CreateConnection imports a connection (POST /connection). Not retried after a failure that
// may have reached the server, unless WithRetryUnsafe(true).
func (c *Client) CreateConnection(ctx context.Context, params *CreateConnectionParams, opts ...RequestOption) (*Connection, error) {
	return callWith[Connection](c, ctx, "createConnection", params, opts)
}

// CreateToken makes a Connect token and magic link for a customer
// (POST /customer/{customer_id}/token); an unknown customer is created.
func (c *Client) CreateToken(ctx context.Context, customerID string, params *CreateTokenParams, opts ...RequestOption) (*CreateTokenResponse, error) {
	return callWith[CreateTokenResponse](c, ctx, "createToken", params, opts, "customer_id", customerID)
}

// CheckConnection checks a connection's credentials with its provider
// (POST /connection/{id}/check). A failed check is an answer, not an error.
func (c *Client) CheckConnection(ctx context.Context, id string, opts ...RequestOption) (*CheckConnectionResponse, error) {
	return callWith[CheckConnectionResponse, none](c, ctx, "checkConnection", nil, opts, "id", id)
}

// ListEvents fetches one page of events (GET /event).
func (c *Client) ListEvents(ctx context.Context, params *ListEventsParams, opts ...RequestOption) (*Page[Event], error) {
	return list[Event](c, ctx, "listEvents", params, opts)
}

// ListEventsAutoPaging lists every event; see ListConnectorsAutoPaging.
func (c *Client) ListEventsAutoPaging(ctx context.Context, params *ListEventsParams, opts ...RequestOption) iter.Seq2[Event, error] {
	return autoPaging[Event](c, ctx, "listEvents", params, opts)
}

// UpsertCustomer creates a customer or replaces its metadata (PUT /customer).
func (c *Client) UpsertCustomer(ctx context.Context, params *UpsertCustomerParams, opts ...RequestOption) (*Customer, error) {
	return callWith[Customer](c, ctx, "upsertCustomer", params, opts)
}

// ListCustomers fetches one page of customers (GET /customer): those with a connection.
func (c *Client) ListCustomers(ctx context.Context, params *ListCustomersParams, opts ...RequestOption) (*Page[CustomerSummary], error) {
	return list[CustomerSummary](c, ctx, "listCustomers", params, opts)
}

// ListCustomersAutoPaging lists every customer; see ListConnectorsAutoPaging.
func (c *Client) ListCustomersAutoPaging(ctx context.Context, params *ListCustomersParams, opts ...RequestOption) iter.Seq2[CustomerSummary, error] {
	return autoPaging[CustomerSummary](c, ctx, "listCustomers", params, opts)
}

// Health checks the API (GET /health).
func (c *Client) Health(ctx context.Context, opts ...RequestOption) (*Health, error) {
	return callWith[Health, none](c, ctx, "health", nil, opts)
}

// HealthEcho sends body and gets it back as the server read it (POST /health).
func (c *Client) HealthEcho(ctx context.Context, body HealthEchoParams, opts ...RequestOption) (*HealthEcho, error) {
	return callBody[HealthEcho](c, ctx, "healthEcho", body, opts)
}

// ConnectorStatus fetches every connector's status for the organization
// (GET /connector-status).
func (c *Client) ConnectorStatus(ctx context.Context, opts ...RequestOption) (*ConnectorStatusList, error) {
	return callWith[ConnectorStatusList, none](c, ctx, "connectorStatus", nil, opts)
}

// Viewer tells who the token belongs to (GET /viewer).
func (c *Client) Viewer(ctx context.Context, opts ...RequestOption) (*Viewer, error) {
	return callWith[Viewer, none](c, ctx, "viewer", nil, opts)
}

// HandleWebhook forwards a provider's webhook body to its connector
// (POST /webhook/{connector_name}). Not retried after a failure that may have reached the
// server, unless WithRetryUnsafe(true).
func (c *Client) HandleWebhook(ctx context.Context, connectorName string, body HandleWebhookParams, opts ...RequestOption) (*WebhookResponse, error) {
	return callBody[WebhookResponse](c, ctx, "handleWebhook", body, opts, "connector_name", connectorName)
}

// MessageTemplate fetches an AI message template for a customer (GET /ai/message_template).
func (c *Client) MessageTemplate(ctx context.Context, params *MessageTemplateParams, opts ...RequestOption) (*MessageTemplate, error) {
	return callWith[MessageTemplate](c, ctx, "messageTemplate", params, opts)
}

// none is the params type of operations without params.
type none struct{}

// callWith calls op with params (nil: none) and path parameters (name, value pairs).
func callWith[T, P any](c *Client, ctx context.Context, op string, params *P, opts []RequestOption, path ...string) (*T, error) {
	b, err := paramsJSON(params, path...)
	if err != nil {
		return nil, err
	}
	return call[T](c, ctx, op, b, nil, opts)
}

// callBody calls an operation whose body is any object. The body goes as the call's extra
// body fields rather than as parameters, so a key that names a path parameter
// ("connector_name") stays part of the body.
func callBody[T any](c *Client, ctx context.Context, op string, body map[string]any, opts []RequestOption, path ...string) (*T, error) {
	b, err := paramsJSON[none](nil, path...)
	if err != nil {
		return nil, err
	}
	return call[T](c, ctx, op, b, body, opts)
}
