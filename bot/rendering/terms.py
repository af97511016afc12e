"""Well-known ops tools and services, in the casing their makers use.

Engineers type "haproxy", "opsgenie" and "postgres" in Slack; a manual reads better with
"HAProxy", "Opsgenie" and "Postgres", and the fitter must know these are names (they carry a
fact) even when typed in lower case. Only names that are not ordinary English words are listed
("vault", "glue", "vector" and "flux" are left alone), and a name is never recased inside code,
inside a path or identifier ("elasticsearch_exporter", "/var/lib/kafka"), or right after a
command word ("systemctl stop elasticsearch" is a command typed in prose).
"""

from __future__ import annotations

import re
from functools import lru_cache


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
)
# fmt: on
# Words after which a name is a command argument, not prose: "systemctl stop elasticsearch".
_COMMAND_WORDS = _set(
    "systemctl service sudo kubectl docker helm journalctl apt yum dnf brew pip npm restart "
    "start stop status enable disable install tail grep ssh"
)
_CANONICAL = {name.casefold(): name for name in NAMES}
_TERM = re.compile(
    r"(?<![\w/.\-@#$])("
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(NAMES, key=len, reverse=True))
    + r")(?![\w/\-@])",
    re.I,
)
_CODE = re.compile(r"`[^`]*`")


def is_name(word: str) -> bool:
    """A single word that is a well-known tool or service name, in any casing."""
    return word.casefold() in _CANONICAL


@lru_cache(maxsize=4096)
def recase(text: str) -> str:
    """``text`` with well-known names in their own casing, code spans left as typed."""
    out: list[str] = []
    last = 0
    for code in _CODE.finditer(text):
        out.append(_recase_prose(text[last : code.start()]))
        out.append(code.group())
        last = code.end()
    out.append(_recase_prose(text[last:]))
    return "".join(out)


def _recase_prose(text: str) -> str:
    def fix(match: re.Match[str]) -> str:
        before = text[: match.start()].split()
        if before and before[-1].lower() in _COMMAND_WORDS:
            return match.group()
        return _CANONICAL.get(" ".join(match.group().split()).casefold(), match.group())

    return _TERM.sub(fix, text)
