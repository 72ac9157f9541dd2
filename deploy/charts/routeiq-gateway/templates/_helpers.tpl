{{/* Names, labels and derived numbers shared by the templates. */}}

{{- define "routeiq-gateway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name; kept to 63 characters for DNS labels. */}}
{{- define "routeiq-gateway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "routeiq-gateway.collectorName" -}}
{{- printf "%s-otel-collector" (include "routeiq-gateway.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "routeiq-gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "routeiq-gateway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "routeiq-gateway.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "routeiq-gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "routeiq-gateway.collectorSelectorLabels" -}}
app.kubernetes.io/name: {{ include "routeiq-gateway.name" . }}-otel-collector
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "routeiq-gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "routeiq-gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "routeiq-gateway.secretName" -}}
{{- default (include "routeiq-gateway.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Seconds Kubernetes waits after SIGTERM before SIGKILL. It must cover
the preStop sleep and the whole drain, or streams are cut mid-flight.
*/}}
{{- define "routeiq-gateway.terminationGracePeriodSeconds" -}}
{{- $drain := div (add (int .Values.drain.timeoutMs) 999) 1000 }}
{{- add $drain (int .Values.drain.preStopSleepSeconds) (int .Values.drain.marginSeconds) }}
{{- end }}

{{/* The gateway's config with the drain deadline the pod is sized for. */}}
{{- define "routeiq-gateway.gatewayConfig" -}}
{{- $config := deepCopy .Values.config }}
{{- $settings := default (dict) (get $config "routeiq_settings") }}
{{- $_ := set $settings "drain_timeout_ms" (int .Values.drain.timeoutMs) }}
{{- $_ := set $config "routeiq_settings" $settings }}
{{- toYaml $config }}
{{- end }}

{{/* Where the gateway sends OTLP gRPC; empty when nowhere. */}}
{{- define "routeiq-gateway.otlpEndpoint" -}}
{{- $port := int .Values.otelCollector.ports.otlpGrpc }}
{{- if eq .Values.otelCollector.mode "sidecar" }}
{{- printf "http://127.0.0.1:%d" $port }}
{{- else if eq .Values.otelCollector.mode "daemonset" }}
{{- printf "http://$(HOST_IP):%d" $port }}
{{- else }}
{{- .Values.telemetry.otlpEndpoint }}
{{- end }}
{{- end }}

{{/* Native sidecars (restartable init containers) need Kubernetes 1.29. */}}
{{- define "routeiq-gateway.nativeSidecar" -}}
{{- if semverCompare ">=1.29.0-0" .Capabilities.KubeVersion.Version }}true{{ end }}
{{- end }}

{{/* Refuse value combinations that would install but misbehave. */}}
{{- define "routeiq-gateway.validate" -}}
{{- $a := .Values.autoscaling }}
{{- if and $a.hpa.enabled $a.keda.enabled }}
{{- fail "autoscaling: enable only one of hpa and keda (KEDA creates its own HPA; two HPAs on one Deployment fight)" }}
{{- end }}
{{- if and $a.keda.enabled $a.keda.cpuTrigger (gt (int $a.keda.fallbackReplicas) 0) }}
{{- fail "autoscaling.keda: fallbackReplicas needs cpuTrigger false (KEDA rejects a fallback with CPU triggers)" }}
{{- end }}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) }}
{{- fail "autoscaling: minReplicas is greater than maxReplicas" }}
{{- end }}
{{- if not (has .Values.otelCollector.mode (list "none" "sidecar" "daemonset")) }}
{{- fail "otelCollector.mode must be none, sidecar or daemonset" }}
{{- end }}
{{- end }}
