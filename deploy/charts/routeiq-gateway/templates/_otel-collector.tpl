{{/*
OpenTelemetry Collector pieces shared by the sidecar and the DaemonSet.
Exporter types use the names collector 0.144 made canonical
(otlp_grpc, otlp_http); the image tag in values is pinned to match.
*/}}

{{- define "routeiq-gateway.resourceAttributes" -}}
{{- $attrs := list "service.instance.id=$(POD_NAME)" "k8s.pod.name=$(POD_NAME)" "k8s.namespace.name=$(POD_NAMESPACE)" "k8s.node.name=$(NODE_NAME)" }}
{{- with .Values.telemetry.resourceAttributes }}
{{- $attrs = append $attrs . }}
{{- end }}
{{- join "," $attrs }}
{{- end }}

{{/*
The collector's config. A sidecar listens on loopback only (its gateway
shares the pod's network); a DaemonSet listens on all interfaces so the
hostPort reaches it. Health and the prometheus exporter listen on all
interfaces for kubelet probes and scrapes. With no exporter configured,
traces go to the debug exporter so the pipeline is still valid.
*/}}
{{- define "routeiq-gateway.collectorConfig" -}}
{{- $c := .Values.otelCollector }}
{{- $host := ternary "127.0.0.1" "0.0.0.0" (eq $c.mode "sidecar") }}
{{- $exporters := dict "prometheus" (dict "endpoint" (printf "0.0.0.0:%d" (int $c.ports.prometheus))) }}
{{- $traces := list }}
{{- $metrics := list "prometheus" }}
{{- if $c.jaeger.endpoint }}
{{- $_ := set $exporters "otlp_grpc/jaeger" (dict "endpoint" $c.jaeger.endpoint "tls" (dict "insecure" $c.jaeger.insecure)) }}
{{- $traces = append $traces "otlp_grpc/jaeger" }}
{{- end }}
{{- if $c.backend.endpoint }}
{{- $backend := dict "endpoint" $c.backend.endpoint }}
{{- with $c.backend.headers }}
{{- $_ := set $backend "headers" . }}
{{- end }}
{{- $_ := set $exporters "otlp_http/backend" $backend }}
{{- $traces = append $traces "otlp_http/backend" }}
{{- $metrics = append $metrics "otlp_http/backend" }}
{{- end }}
{{- if not $traces }}
{{- $_ := set $exporters "debug" (dict "verbosity" "basic") }}
{{- $traces = list "debug" }}
{{- end }}
{{- $processors := list "memory_limiter" "batch" }}
{{- $config := dict
  "extensions" (dict "health_check" (dict "endpoint" (printf "0.0.0.0:%d" (int $c.ports.healthCheck))))
  "receivers" (dict "otlp" (dict "protocols" (dict
    "grpc" (dict "endpoint" (printf "%s:%d" $host (int $c.ports.otlpGrpc)))
    "http" (dict "endpoint" (printf "%s:%d" $host (int $c.ports.otlpHttp))))))
  "processors" (dict
    "memory_limiter" (dict "check_interval" "1s" "limit_percentage" $c.memoryLimiter.limitPercentage "spike_limit_percentage" $c.memoryLimiter.spikeLimitPercentage)
    "batch" (dict))
  "exporters" $exporters
  "service" (dict
    "extensions" (list "health_check")
    "pipelines" (dict
      "traces" (dict "receivers" (list "otlp") "processors" $processors "exporters" $traces)
      "metrics" (dict "receivers" (list "otlp") "processors" $processors "exporters" $metrics)))
}}
{{- toYaml $config }}
{{- end }}

{{/*
The collector container. Called with (dict "root" $ "native" bool);
"native" makes it a restartable init container (Kubernetes >= 1.29),
which starts before the gateway and stops after it.
*/}}
{{- define "routeiq-gateway.collectorContainer" -}}
{{- $root := .root }}
{{- $c := $root.Values.otelCollector }}
{{- $daemon := eq $c.mode "daemonset" }}
- name: otel-collector
  image: "{{ $c.image.repository }}:{{ $c.image.tag }}"
  imagePullPolicy: {{ $c.image.pullPolicy }}
  {{- if .native }}
  restartPolicy: Always
  {{- end }}
  args: ["--config=/conf/config.yaml"]
  ports:
    - name: otlp-grpc
      containerPort: {{ $c.ports.otlpGrpc }}
      {{- if $daemon }}
      hostPort: {{ $c.ports.otlpGrpc }}
      {{- end }}
      protocol: TCP
    - name: otlp-http
      containerPort: {{ $c.ports.otlpHttp }}
      {{- if $daemon }}
      hostPort: {{ $c.ports.otlpHttp }}
      {{- end }}
      protocol: TCP
    - name: health
      containerPort: {{ $c.ports.healthCheck }}
      protocol: TCP
    - name: prom-exporter
      containerPort: {{ $c.ports.prometheus }}
      protocol: TCP
  startupProbe:
    httpGet:
      path: /
      port: health
    periodSeconds: 1
    failureThreshold: 30
  livenessProbe:
    httpGet:
      path: /
      port: health
    periodSeconds: 10
  readinessProbe:
    httpGet:
      path: /
      port: health
    periodSeconds: 5
  resources:
    {{- toYaml $c.resources | nindent 4 }}
  securityContext:
    {{- toYaml $root.Values.securityContext | nindent 4 }}
  volumeMounts:
    - name: otel-collector-config
      mountPath: /conf
      readOnly: true
{{- end }}
