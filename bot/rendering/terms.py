"""Well-known ops tools and services: names, even when typed in lower case.

Engineers type "haproxy", "opsgenie" and "postgres" in Slack. The fitter must know these are
names that carry a fact, as "HAProxy" would, when it weighs which words to give up. Only names
that are not ordinary English words are listed ("vault", "glue", "vector" and "flux" are not).
The manual keeps the engineers' own casing: a lower-case name is often part of a command typed
in prose ("argocd app rollback payments-api"), and recasing it would change the command.
"""

from __future__ import annotations

# fmt: off
NAMES: tuple[str, ...] = (
    "Elasticsearch", "OpenSearch", "Kibana", "Logstash", "Filebeat", "Metricbeat", "Fluentd",
    "Fluent Bit", "Graylog", "Splunk", "Papertrail", "Loki", "Grafana", "Prometheus",
    "Alertmanager", "Thanos", "VictoriaMetrics", "Mimir", "Zabbix", "Nagios", "Icinga", "Datadog",
    "New Relic", "Dynatrace", "AppDynamics", "Honeycomb", "Sentry", "Jaeger", "Zipkin",
    "OpenTelemetry", "Lumigo", "CloudWatch", "CloudTrail", "CloudFront", "Cloudflare", "Akamai",
    "Fastly", "PagerDuty", "Opsgenie", "VictorOps", "xMatters", "SIGNL4", "Statuspage",
    "incident.io", "ServiceNow", "Jira", "Confluence", "Notion", "Backstage", "Slack",
    "GitHub", "GitLab", "Bitbucket", "Jenkins", "CircleCI", "Buildkite", "TeamCity", "ArgoCD",
    "Argo CD", "Spinnaker", "Octopus Deploy", "Ansible", "Terraform", "Pulumi", "Kubernetes",
    "Docker", "Podman", "OpenShift", "Rancher", "Istio", "Linkerd", "Envoy", "Traefik",
    "HAProxy", "NGINX", "Varnish", "Tomcat", "Kafka", "ZooKeeper", "RabbitMQ", "ActiveMQ",
    "NATS", "Pulsar", "Redis", "Memcached", "PostgreSQL", "Postgres", "MySQL", "MariaDB",
    "MongoDB", "Cassandra", "ScyllaDB", "CockroachDB", "ClickHouse", "Snowflake", "BigQuery",
    "Bigtable", "DynamoDB", "Aurora", "Redshift", "ElastiCache", "Kinesis", "EventBridge",
    "Firehose", "Athena", "MinIO", "Ceph", "GlusterFS", "Airflow", "Hadoop", "HDFS", "Hive",
    "Impala", "Flink", "Debezium", "Cloudera", "PgBouncer", "Patroni", "pgBackRest", "Barman",
    "WAL-G", "Velero", "Veeam", "Commvault", "Okta", "Keycloak", "Auth0", "CyberArk",
    "HashiCorp", "Nessus", "Qualys", "Snyk", "Trivy", "Dependabot", "GuardDuty",
    "Wazuh", "CrowdStrike", "Twilio", "SendGrid", "Stripe", "Adyen", "Xsolla", "Akeneo",
    "Shopware", "Salesforce", "AppFlow", "VMware", "vSphere", "Proxmox", "OpenStack", "Ubuntu",
    "Debian", "RHEL", "CentOS", "Linux", "Hangfire", "Serilog", "EMQX", "Quarkus",
    "Nomad", "Consul", "etcd", "Sidekiq", "Celery", "Gunicorn", "uWSGI",
    "kubectl", "helm", "psql", "gcloud", "systemctl", "journalctl", "restic", "rclone",
    "patronictl", "repmgr", "rabbitmqctl",
)
# fmt: on
_CANONICAL = {name.casefold(): name for name in NAMES}


def is_name(word: str) -> bool:
    """A single word that is a well-known tool or service name, in any casing."""
    return word.casefold() in _CANONICAL
