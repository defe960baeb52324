package openint

// Every operation against the local server, as the organization: what each method sends (the
// request log) and what it decodes (compared with the answer's own JSON).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// checkModel asserts a decoded model agrees with its Raw: every typed field carries the
// answer's value (re-encoded and compared as generic JSON, decoded by encoding/json, a
// different path), and Extra holds exactly the fields the type does not know.
func checkModel[T any](t testing.TB, v *T, raw []byte, extra func(*T) map[string]json.RawMessage) {
	t.Helper()
	var want map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatalf("Raw is not a JSON object: %q", raw)
	}
	known := map[string]bool{}
	for _, k := range knownFields[T]() {
		known[k] = true
	}
	var wantExtra []string
	for k := range want {
		if !known[k] {
			wantExtra = append(wantExtra, k)
			delete(want, k)
		}
	}
	typed, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(typed, &got); err != nil {
		t.Fatal(err)
	}
	if g, w := normalize(got), normalize(want); !reflect.DeepEqual(g, w) {
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(w)
		t.Fatalf("typed %T differs from its answer:\n got %s\nwant %s", v, gj, wj)
	}
	gotExtra := extra(v)
	if len(gotExtra) != len(wantExtra) {
		t.Fatalf("%T.Extra() = %v, want keys %v", v, gotExtra, wantExtra)
	}
	for _, k := range wantExtra {
		if _, ok := gotExtra[k]; !ok {
			t.Fatalf("%T.Extra() lacks %q", v, k)
		}
	}
}

// lastRequest is the scenario's latest request.
func lastRequest(t testing.TB, s scenario) loggedRequest {
	t.Helper()
	reqs := s.requests(t)
	if len(reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	return reqs[len(reqs)-1]
}

func checkRequest(t testing.TB, r loggedRequest, method, pathSuffix, query string) {
	t.Helper()
	if r.Method != method || !strings.HasSuffix(r.Path, pathSuffix) || r.Query != query {
		t.Fatalf("request %s %s?%s, want %s ...%s?%s", r.Method, r.Path, r.Query, method, pathSuffix, query)
	}
}

func mustJSON(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEveryOperationAsTheOrganization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newScenario(t, nil)
	c := newTestClient(t, s.BaseURL, WithToken(s.OrgKey))

	// Public operations.
	h, err := c.Health(ctx)
	if err != nil || h.OK == nil || !*h.OK {
		t.Fatalf("Health: %+v, %v", h, err)
	}
	checkModel(t, h, h.Raw, (*Health).Extra)
	checkRequest(t, lastRequest(t, s), "GET", "/v1/health", "")

	echo, err := c.HealthEcho(ctx, HealthEchoParams{"hello": "world", "n": 1, "nested": map[string]any{"a": []int{1, 2}}, "connector_name": "kept"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(mustJSON(t, string(echo.Input)), map[string]any{"hello": "world", "n": 1.0, "nested": map[string]any{"a": []any{1.0, 2.0}}, "connector_name": "kept"}) {
		t.Fatalf("HealthEcho input %s", echo.Input)
	}
	checkModel(t, echo, echo.Raw, (*HealthEcho).Extra)
	checkRequest(t, lastRequest(t, s), "POST", "/v1/health", "")

	v, err := c.Viewer(ctx)
	if err != nil || v.Role != RoleOrg || v.OrgID == nil || *v.OrgID != "org_local_test" {
		t.Fatalf("Viewer: %+v, %v", v, err)
	}
	checkModel(t, v, v.Raw, (*Viewer).Extra)

	st, err := c.ConnectorStatus(ctx)
	if err != nil || len(st.List) != 171 || st.List[0].Name == "" || st.List[0].HasConnectionForOrg == nil {
		t.Fatalf("ConnectorStatus: %v, %v", st, err)
	}
	checkModel(t, st, st.Raw, (*ConnectorStatusList).Extra)
	checkModel(t, &st.List[1], st.List[1].Raw, (*ConnectorStatus).Extra)

	// Customers and tokens.
	cus, err := c.UpsertCustomer(ctx, &UpsertCustomerParams{ID: Ptr("cus_go_1"), Metadata: map[string]any{"plan": "pro"}})
	if err != nil || cus.ID != "cus_go_1" || cus.APIKey == nil || !strings.HasPrefix(*cus.APIKey, "key_cus_") {
		t.Fatalf("UpsertCustomer: %v, %v", cus, err)
	}
	checkModel(t, cus, cus.Raw, (*Customer).Extra)
	r := lastRequest(t, s)
	checkRequest(t, r, "PUT", "/v1/customer", "")
	if !reflect.DeepEqual(r.bodyMap(t), map[string]any{"id": "cus_go_1", "metadata": map[string]any{"plan": "pro"}}) {
		t.Fatalf("upsertCustomer body %s", r.Body)
	}

	tok, err := c.CreateToken(ctx, "cus_go_1", &CreateTokenParams{Validity: Ptr(time.Hour),
		ConnectOptions: &ConnectOptions{View: Ptr(ConnectViewAdd), ReturnURL: Ptr("https://app.example/x")}})
	if err != nil || strings.Count(tok.Token, ".") != 2 || !strings.Contains(tok.MagicLinkURL, "view=add") {
		t.Fatalf("CreateToken: %v, %v", tok, err)
	}
	checkModel(t, tok, tok.Raw, (*CreateTokenResponse).Extra)
	r = lastRequest(t, s)
	checkRequest(t, r, "POST", "/v1/customer/cus_go_1/token", "")
	if !reflect.DeepEqual(r.bodyMap(t), map[string]any{"validity_in_seconds": 3600.0,
		"connect_options": map[string]any{"view": "add", "return_url": "https://app.example/x"}}) {
		t.Fatalf("createToken body %s", r.Body)
	}

	// Connector configs.
	cfg, err := c.CreateConnectorConfig(ctx, &CreateConnectorConfigParams{ConnectorName: "acme-apikey",
		DisplayName: Ptr("Acme"), Disabled: Ptr(false), Metadata: map[string]any{"team": "a"}, Config: map[string]any{}})
	if err != nil || !strings.HasPrefix(cfg.ID, "ccfg_acme-apikey_") || cfg.Disabled == nil || *cfg.Disabled {
		t.Fatalf("CreateConnectorConfig: %v, %v", cfg, err)
	}
	checkModel(t, cfg, cfg.Raw, (*ConnectorConfig).Extra)
	r = lastRequest(t, s)
	checkRequest(t, r, "POST", "/v1/connector-config", "")
	// disabled: false and config: {} are values, sent as such.
	if !reflect.DeepEqual(r.bodyMap(t), map[string]any{"connector_name": "acme-apikey", "display_name": "Acme",
		"disabled": false, "metadata": map[string]any{"team": "a"}, "config": map[string]any{}}) {
		t.Fatalf("createConnectorConfig body %s", r.Body)
	}

	got, err := c.GetConnectorConfig(ctx, cfg.ID, &GetConnectorConfigParams{Expand: []ConnectorConfigExpand{
		ConnectorConfigExpandConnector, ConnectorConfigExpandConnectionCount}})
	if err != nil || got.ID != cfg.ID || got.Connector == nil || got.Connector.Name != "acme-apikey" || got.ConnectionCount == nil {
		t.Fatalf("GetConnectorConfig: %v, %v", got, err)
	}
	checkModel(t, got, got.Raw, (*ConnectorConfig).Extra)
	checkModel(t, got.Connector, got.Connector.Raw, (*Connector).Extra)
	checkRequest(t, lastRequest(t, s), "GET", "/v1/connector-config/"+cfg.ID, "expand=connector,connection_count")

	// An update sends only what is set: disabled false, not the display name.
	upd, err := c.UpdateConnectorConfig(ctx, cfg.ID, &UpdateConnectorConfigParams{Disabled: Ptr(true)})
	if err != nil || upd.Disabled == nil || !*upd.Disabled || upd.DisplayName == nil || *upd.DisplayName != "Acme" {
		t.Fatalf("UpdateConnectorConfig: %v, %v", upd, err)
	}
	r = lastRequest(t, s)
	checkRequest(t, r, "PUT", "/v1/connector-config/"+cfg.ID, "")
	if r.Body != `{"disabled":true}` {
		t.Fatalf("updateConnectorConfig body %s", r.Body)
	}
	if _, err := c.UpdateConnectorConfig(ctx, cfg.ID, &UpdateConnectorConfigParams{Disabled: Ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if r := lastRequest(t, s); r.Body != `{"disabled":false}` {
		t.Fatalf("updateConnectorConfig with false: body %s", r.Body)
	}
	if _, err := c.UpdateConnectorConfig(ctx, cfg.ID, &UpdateConnectorConfigParams{}); err != nil {
		t.Fatal(err)
	}
	if r := lastRequest(t, s); r.Body != `{}` {
		t.Fatalf("an empty update sent %s", r.Body)
	}

	cfgs, err := c.ListConnectorConfigs(ctx, &ListConnectorConfigsParams{ConnectorNames: []string{"acme-apikey"}, Limit: Ptr(10)})
	if err != nil || len(cfgs.Items) != 1 || cfgs.Items[0].ID != cfg.ID || cfgs.Total != 1 {
		t.Fatalf("ListConnectorConfigs: %+v, %v", cfgs, err)
	}
	checkModel(t, &cfgs.Items[0], cfgs.Items[0].Raw, (*ConnectorConfig).Extra)
	checkRequest(t, lastRequest(t, s), "GET", "/v1/connector-config", "limit=10&connector_names=acme-apikey")

	// Connections.
	conn, err := c.CreateConnection(ctx, &CreateConnectionParams{ConnectorConfigID: cfg.ID, CustomerID: "cus_go_1",
		Data:     ConnectionData{ConnectorName: "acme-apikey", Settings: map[string]any{"api_key": "acme_secret_1"}},
		Metadata: map[string]any{"source": "go"}})
	if err != nil || !strings.HasPrefix(conn.ID, "conn_acme-apikey_") || conn.Status == nil || *conn.Status != ConnectionStatusUnknown {
		t.Fatalf("CreateConnection: %v, %v", conn, err)
	}
	checkModel(t, conn, conn.Raw, (*Connection).Extra)
	if !strings.Contains(string(conn.Settings), "acme_secret_1") {
		t.Fatalf("settings %s", conn.Settings)
	}
	for _, shown := range []string{fmtV(conn), fmtV(*conn)} {
		if strings.Contains(shown, "acme_secret_1") || !strings.Contains(shown, conn.ID) {
			t.Fatalf("fmt shows the connection's settings: %s", shown)
		}
	}

	gc, err := c.GetConnection(ctx, conn.ID, &GetConnectionParams{IncludeSecrets: true, Expand: []ConnectionExpand{ConnectionExpandConnector}})
	if err != nil || gc.ID != conn.ID || gc.Settings == nil || gc.Connector == nil || gc.Connector.Name != "acme-apikey" {
		t.Fatalf("GetConnection: %v, %v", gc, err)
	}
	checkModel(t, gc, gc.Raw, (*Connection).Extra)
	checkRequest(t, lastRequest(t, s), "GET", "/v1/connection/"+conn.ID, "include_secrets=true&expand=connector")
	// include_secrets false is not sent at all: the server reads any value as true.
	gc, err = c.GetConnection(ctx, conn.ID, &GetConnectionParams{IncludeSecrets: false})
	if err != nil || gc.Settings != nil {
		t.Fatalf("GetConnection without secrets: %v, %v", gc, err)
	}
	checkRequest(t, lastRequest(t, s), "GET", "/v1/connection/"+conn.ID, "")

	conns, err := c.ListConnections(ctx, &ListConnectionsParams{CustomerID: Ptr("cus_go_1")})
	if err != nil || len(conns.Items) != 1 || conns.Items[0].ID != conn.ID || conns.Items[0].Settings != nil {
		t.Fatalf("ListConnections: %+v, %v", conns, err)
	}
	checkModel(t, &conns.Items[0], conns.Items[0].Raw, (*Connection).Extra)

	chk, err := c.CheckConnection(ctx, conn.ID)
	if err != nil || chk.ID != conn.ID || chk.Status == nil || *chk.Status != ConnectionStatusDisconnected {
		t.Fatalf("CheckConnection: %+v, %v", chk, err)
	}
	checkModel(t, chk, chk.Raw, (*CheckConnectionResponse).Extra)
	r = lastRequest(t, s)
	checkRequest(t, r, "POST", "/v1/connection/"+conn.ID+"/check", "")
	// The spec declares no body: none, and no Content-Type (the server reads that as {}).
	if ct, ok := r.Headers["content-type"]; r.Body != "" || ok {
		t.Fatalf("checkConnection body %q, content-type %q", r.Body, ct)
	}

	evs, err := c.ListEvents(ctx, &ListEventsParams{Since: Ptr("2000-01-01")})
	if err != nil || len(evs.Items) == 0 || evs.Items[0].Name == nil || *evs.Items[0].Name != "connect.connection-checked" {
		t.Fatalf("ListEvents: %+v, %v", evs, err)
	}
	checkModel(t, &evs.Items[0], evs.Items[0].Raw, (*Event).Extra)
	checkRequest(t, lastRequest(t, s), "GET", "/v1/event", "since=2000-01-01")

	cl, err := c.ListCustomers(ctx, &ListCustomersParams{SearchQuery: Ptr("cus_go")})
	if err != nil || len(cl.Items) != 1 || cl.Items[0].ID != "cus_go_1" || *cl.Items[0].ConnectionCount != 1 {
		t.Fatalf("ListCustomers: %+v, %v", cl, err)
	}
	checkModel(t, &cl.Items[0], cl.Items[0].Raw, (*CustomerSummary).Extra)

	// The body's own connector_name stays in the body; the server answers with the path's.
	wh, err := c.HandleWebhook(ctx, "plaid", HandleWebhookParams{"webhook_type": "ITEM", "connector_name": "toggl"})
	if err != nil || wh.Status != "error" {
		t.Fatalf("HandleWebhook: %+v, %v", wh, err)
	}
	checkModel(t, wh, wh.Raw, (*WebhookResponse).Extra)
	r = lastRequest(t, s)
	checkRequest(t, r, "POST", "/v1/webhook/plaid", "")
	if !reflect.DeepEqual(r.bodyMap(t), map[string]any{"webhook_type": "ITEM", "connector_name": "toggl"}) {
		t.Fatalf("handleWebhook body %s", r.Body)
	}
	if info := mustJSON(t, string(wh.Info)); info["connector_name"] != "plaid" || info["webhook_type"] != "ITEM" {
		t.Fatalf("webhook info %s", wh.Info)
	}
	// A connector without a webhook handler: 501 is an answer ("does not support webhooks"),
	// not a server failure, so it has the kind of a status without one of its own.
	_, err = c.HandleWebhook(ctx, "toggl", HandleWebhookParams{"x": 1})
	if e := checkKind(t, err, KindAPIStatus, ErrAPIStatus); e.StatusCode != 501 || e.Code != "NOT_IMPLEMENTED" ||
		errors.Is(err, ErrInternalServer) || !strings.Contains(e.Message, "does not support webhooks") {
		t.Fatalf("HandleWebhook(toggl): %+v", e)
	}

	// The local server has no AI backend: a 500 that names it, after the request was checked.
	_, err = c.MessageTemplate(ctx, &MessageTemplateParams{CustomerID: "cus_go_1", Language: Ptr("javascript"), UseEnvironmentVariables: true})
	e := checkKind(t, err, KindInternalServer, ErrInternalServer)
	if !strings.Contains(e.Message, "AI API URL is not set") {
		t.Fatalf("MessageTemplate: %v", err)
	}
	checkRequest(t, lastRequest(t, s), "GET", "/v1/ai/message_template", "language=javascript&use_environment_variables=true&customer_id=cus_go_1")

	// Deletes.
	del, err := c.DeleteConnection(ctx, conn.ID)
	if err != nil || del.ID != conn.ID {
		t.Fatalf("DeleteConnection: %+v, %v", del, err)
	}
	checkModel(t, del, del.Raw, (*Deleted).Extra)
	r = lastRequest(t, s)
	checkRequest(t, r, "DELETE", "/v1/connection/"+conn.ID, "")
	if r.Headers["content-type"] != "application/json" {
		t.Fatalf("DELETE without Content-Type: %v", r.Headers)
	}
	if _, err := c.GetConnection(ctx, conn.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("GetConnection after delete: %v", err)
	}
	del, err = c.DeleteConnectorConfig(ctx, cfg.ID)
	if err != nil || del.ID != cfg.ID {
		t.Fatalf("DeleteConnectorConfig: %+v, %v", del, err)
	}
	checkRequest(t, lastRequest(t, s), "DELETE", "/v1/connector-config/"+cfg.ID, "")
}

// fmtV is how fmt shows v, plainly and with field names.
func fmtV(v any) string { return fmt.Sprintf("%v %+v %s", v, v, v) }
