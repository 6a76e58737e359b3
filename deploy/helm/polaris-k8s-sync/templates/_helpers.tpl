{{- define "polaris-k8s-sync.labels" -}}
app.kubernetes.io/name: polaris-k8s-sync
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: polaris-k8s-sync
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "polaris-k8s-sync.selector" -}}
app.kubernetes.io/name: polaris-k8s-sync
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
