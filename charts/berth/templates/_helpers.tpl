{{/* The release's base name: the release name, or "<release>-berth" unless it already says berth. */}}
{{- define "berth.fullname" -}}
{{- if contains "berth" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-berth" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object: app.kubernetes.io/* plus the component. Call with (dict "root" $ "component" "x"). */}}
{{- define "berth.labels" -}}
app.kubernetes.io/name: berth
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/component: {{ .component }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* What a component's Service and controller select. Call with (dict "root" $ "component" "x"). */}}
{{- define "berth.selector" -}}
app.kubernetes.io/name: berth
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* A platform image by name ("berth", "registry", "postgres", "dockerd"). Call with (dict "root" $ "name" "x"). */}}
{{- define "berth.image" -}}
{{- $tag := .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/berth/%s:%s" .root.Values.image.registry .name $tag -}}
{{- else -}}
{{- printf "berth/%s:%s" .name $tag -}}
{{- end -}}
{{- end -}}

{{- define "berth.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The Secret with the keys the chart generates once and keeps across upgrades. */}}
{{- define "berth.keysSecret" -}}
{{ include "berth.fullname" . }}-keys
{{- end -}}

{{/* In-cluster URLs of the components (cluster DNS: <service>.<namespace>.svc). */}}
{{- define "berth.controllerUrl" -}}
http://{{ include "berth.fullname" . }}-controller.{{ .Release.Namespace }}.svc:8080
{{- end -}}
{{- define "berth.builderUrl" -}}
http://{{ include "berth.fullname" . }}-builder.{{ .Release.Namespace }}.svc:8081
{{- end -}}
{{- define "berth.registryAddress" -}}
{{ include "berth.fullname" . }}-registry.{{ .Release.Namespace }}.svc:5000
{{- end -}}

{{/* The port in the URLs Berth prints: platform.publicPort, else the router Service's port. */}}
{{- define "berth.publicPort" -}}
{{- if .Values.platform.publicPort -}}
{{- .Values.platform.publicPort -}}
{{- else if and (eq .Values.router.service.type "NodePort") .Values.router.service.nodePort -}}
{{- .Values.router.service.nodePort -}}
{{- else -}}
{{- .Values.router.service.port -}}
{{- end -}}
{{- end -}}

{{/* The settings every platform container reads. */}}
{{- define "berth.commonEnv" -}}
- name: BERTH_LOG_LEVEL
  value: {{ .Values.platform.logLevel | quote }}
- name: BERTH_DATA_DIR
  value: /var/lib/berth
{{- end -}}

{{/* Pod security of the platform's own non-root containers. */}}
{{- define "berth.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile: { type: RuntimeDefault }
{{- end -}}
{{- define "berth.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities: { drop: [ALL] }
{{- end -}}

{{/* A map of node labels as BERTH_K8S_NODE_SELECTOR's `key=value,…`. */}}
{{- define "berth.nodeSelectorSetting" -}}
{{- $pairs := list -}}
{{- range $key, $value := . -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}

{{/* The stack image builds start from, in the registry of the platform's images. */}}
{{- define "berth.stackImage" -}}
{{- if .Values.builder.stackImage -}}
{{- .Values.builder.stackImage -}}
{{- else if .Values.image.registry -}}
{{- printf "%s/berth/stack:24" .Values.image.registry -}}
{{- else -}}
berth/stack:24
{{- end -}}
{{- end -}}
