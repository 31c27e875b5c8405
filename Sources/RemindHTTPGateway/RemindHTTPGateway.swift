// RemindHTTPGateway: HTTP gateways (Kannel's sendsms, templated REST aggregators).
