"""Ops vocabulary per slot: the words that say what a sentence is about.

Engineers do not answer field by field, so every clause of a reply is scored against every
slot with these cues, whichever question was asked. A cue is a regex and a weight: strong,
specific cues ("rpo", "pagerduty", "restore test") decide on their own; weak, shared ones
("monitor", "daily") only tip a clause that has other evidence. Tool and vendor names count
too, since "snyk" or "okta" name the topic better than any verb.

The table is data on purpose: a misrouted sentence in a realistic conversation is fixed by a
row here, measured by ``bench/bench_realistic.py``, not by a new rule in the router.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# (pattern, weight); patterns are case-insensitive and matched on word boundaries unless they
# start or end with a non-word character. Weights: 3 decides, 2 strong, 1 supporting, 0.5 weak.
# fmt: off
CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "architecture": (
        (r"architecture(?! decision)", 2), (r"built (?:on|with|in)", 1.5), (r"(?:is|it's) (?:a|an|our) [\w .-]{0,40}(?:service|app|platform|api|system|cluster|farm|pipeline|backend|gateway|engine|hub|broker|bridge)\b", 2.5), (r"(?:is|it's) the [\w .-]{0,30}(?:engine|hub|backbone|pipeline|backend|platform) (?:for|of)\b", 2.5),
        (r"monolith|microservices?|serverless", 1.5), (r"behind (?:an? )?(?:alb|elb|nlb|load balancer|nginx|haproxy|envoy|cloudflare|cdn|ingress|api gateway)", 1.5),
        (r"requests? (?:flow|go|come|hit)|\bflow\b|(?:players|users|clients) hit", 2), (r"flows? (?:through|into|to)", 1.5), (r"(?:takes|reads|consumes|pulls) (?:events|messages|jobs|requests)", 1.5),
        (r"written in|node\.?js|golang|\bgo\b (?:service|app)|python|java\b|kotlin|rust|\.net|elixir|ruby|php", 1),
        (r"\bthe (?:batch|service|system|platform|pipeline|job|app|farm|cluster|backend|gateway|api|idp) (?:that|which|behind|for)\b", 2.5),
        (r"stateless|stateful", 1), (r"runs? (?:on|in) ", 0.7), (r"front(?:s|ed)? by", 1), (r"fan(?:s)? out", 1),
        (r"\b(?:eks|gke|aks|ecs|fargate|kubernetes|k8s|openshift|nomad|ec2|vms?|bare[- ]metal|on[- ]prem\w*|data ?cent(?:er|re)|colo|racks?)\b", 1.5),
        (r"\bnodes?\b|cluster|replicas?|shards?|instances?|vcpus?|gpus?|\d+ (?:servers|pods|vms)", 0.7),
    ),
    "components": (
        (r"compon\w*", 2.5), (r"(?:consists?|made up) of", 2), (r"(?:main|key) (?:parts|pieces|services)", 2.5),
        (r"(?:ingest|ingestion) (?:worker|service)|worker(?:s)?\b|scheduler|dispatcher|renderer|sender|consumer|producer|gateway|frontend|backend service", 1),
        (r"admin (?:api|ui|panel|tool)", 1.5), (r"sidecar|cron ?job", 0.7), (r"(?:there's|there is) also (?:a|an)", 1.5),
        (r"\b(?:postgres\w*|mysql|mariadb|dynamodb|mongo\w*|cassandra|scylla\w*|redis|memcached|elasticache|kafka|rabbitmq|sqs|sns|kinesis|pub/?sub|s3|gcs|blob storage|cockroach\w*|clickhouse|bigquery|bigtable|snowflake|hdfs|ceph|minio|nfs|aurora|azure sql|cosmos\s?db|key vault|sql server)\b", 1),
        (r"(?:state|data) (?:lives|is kept|is stored|is in)|stored in|lives in|holds\b", 1.5),
    ),
    "external_services": (
        (r"external (?:services?|dependenc\w+|apis?)", 3), (r"third[- ]party", 2), (r"depends? on|dependenc(?:y|ies)", 1.5),
        (r"twilio|sendgrid|stripe|mailgun|auth0|segment|apple push|apns|fcm|firebase|steam|psn|xbox live|adyen|braintree|plaid|okta api|google maps", 1.5),
        (r"(?:sends?|calls?) (?:out )?(?:to|via)", 0.7),
    ),
    "infrastructure": (
        (r"infra(?:structure)?", 2), (r"\b(?:aws|gcp|azure|google cloud|hetzner|ovh|digitalocean)\b", 0.7),
        (r"\bdeps?\b|depends? on|(?:we )?don'?t own|(?:owned|managed|hosted|provided|run|operated) by|shared (?:\w+ )?(?:cluster|platform|instance)|platform team|their (?:cluster|team)", 2),
        (r"terraform|helm|ansible|puppet|chef|pulumi", 0.5),
    ),
    "integrations": (
        (r"integrat\w+", 2.5), (r"webhooks?", 1.5), (r"(?:upstream|downstream)", 1.5), (r"(?:called|consumed|used) by", 2), (r"(?:calls|talks to|pushes to|publishes to|feeds)", 1),
        (r"clients? (?:are|include)", 1.5), (r"sso (?:clients|apps)|relying parties", 1.5),
    ),
    "metrics": (
        (r"alerts? (?:on|when|if|fires?)|alerting (?:on|rules?)|alert(?:s)? (?:at|above)", 2), (r"thresholds?", 2), (r"\bp(?:50|90|95|99|999)\b", 1),
        (r"error rate|latency|queue (?:age|depth|lag|length|size)|consumer lag|heap|cpu|memory|disk|5xx|4xx|saturation|backlog|gc pauses?|jvm", 1),
        (r"\b(?:critical|warning|warn|crit|sev ?[12])\b", 1.5), (r"= ?(?:critical|warning)", 2), (r"\bpages?\b|paging", 0.7),
        (r"\bticket (?:the|to)\b|\bnotif(?:y|ies)\b|wakes? (?:up|someone)", 1),
    ),
    "app_monitoring": (
        (r"\bapm\b|application monitoring|tracing|traces|opentelemetry|otel|jaeger|tempo|zipkin|sentry|new relic|dynatrace|appdynamics|honeycomb|elastic apm", 2),
        (r"dashboards?", 1.5), (r"grafana", 0.7), (r"datadog", 0.7), (r"instrument\w*", 1),
    ),
    "infra_monitoring": (
        (r"infra(?:structure)? monitoring|node[_ ]exporter|host metrics|prometheus|zabbix|nagios|icinga|cloudwatch(?! logs)|stackdriver|azure monitor|victoriametrics|thanos|cadvisor|kube-state-metrics", 2),
        (r"metrics (?:are|go|in|via)|scrap\w+", 1.5), (r"monitored (?:by|with|in)|monitoring (?:is|stack)", 1.5), (r"grafana", 1), (r"datadog (?:agent|infra)", 2),
    ),
    "log_management": (
        (r"\blogs?\b|logging", 2), (r"kibana|elk\b|elasticsearch logs|loki|splunk|graylog|papertrail|cloudwatch logs|fluent ?(?:d|bit)|logstash|vector\b|sumo ?logic|log analytics", 2),
        (r"retention|retained|kept (?:for )?\d+\s*(?:days?|weeks?|months?)|(?:\d+)\s*(?:days?|d) retention", 1.5), (r"\bjson\b|structured", 0.5), (r"stdout|syslog|journald", 1),
    ),
    "alerting": (
        (r"pagerduty|opsgenie|victorops|splunk on-?call|alertmanager|xmatters|grafana oncall|incident\.io", 2.5), (r"pages?\b|paging|paged|wakes? (?:up|someone)", 1.5),
        (r"alerts? (?:go|are sent|route|land|are in|live)|alert routing|routed to|notif\w+ (?:go|channel)", 2), (r"on-?call (?:rotation|schedule)", 1.5),
        (r"#[\w-]*alerts?\b|(?:goes|go|posts?) to (?:slack|teams|#)|non-?paging", 2),
    ),
    "startup_steps": (
        (r"(?:to )?start(?:s|ing|up)?\b|(?<!spring\s)boot\w*|bring (?:it )?up|spin (?:it )?up|power on|cold start", 2), (r"\bstart order|startup (?:order|sequence)|first start", 3),
        (r"(?:to )?run (?:it|the (?:job|batch))(?: by hand| manually)?|kick (?:it |the \w+ )?off|trigger (?:it|a run|the (?:job|batch))|manual run", 2.5),
        (r"systemctl start|docker(?:-| )compose up|kubectl (?:apply|scale)|desired[- ]count|--replicas|helm (?:install|upgrade)|scale (?:up|to [1-9])", 1.5),
        (r"then (?:start|bring|wait|watch|check)|wait (?:for|until)|comes? up|warm(?:s|ing)? up|once (?:it'?s )?(?:green|healthy|up)", 1),
    ),
    "startup_checks": (
        (r"smoke tests?|verify (?:it'?s )?up|check (?:that )?it'?s (?:up|healthy)|until (?:it'?s )?(?:green|healthy)", 2),
    ),
    "health_details": (
        (r"health ?-?checks?|healthz|/health\w*|readiness|liveness|probes?|synthetics?|consul check|heartbeat|/status\b|/livez|/readyz|marked unhealthy|pulls? the node|out of rotation", 2.5),
    ),
    "graceful_shutdown": (
        (r"graceful\w*|drain\w*|in-?flight|sigterm|stop ?timeout|terminationgraceperiod|shut(?:ting)? (?:it )?down|shutdown", 2), (r"scale (?:it )?(?:down )?to (?:0|zero)", 2),
        (r"(?:to )?stop (?:it|the|all|service)|stop(?:s|ping)? (?:accepting|consuming|taking)|^stopping\b", 2), (r"let (?:the )?(?:current |running )?(?:workers?|jobs?|consumers?|chunks?|batch(?:es)?|runs?) finish|finish(?:es)? (?:their|in-?flight|current)|kill -term", 2),
        (r"maintenance mode|cordon", 1),
    ),
    "emergency_shutdown": (
        (r"emergency|kill ?switch|big red button|panic button|break[- ]?glass stop", 3), (r"kill -9|hard stop|pull the plug|immediately|feature flag|circuit breaker", 1),
    ),
    "backups": (
        (r"backups?|backed up|snapshots?|point[- ]in[- ]time|\bpitr\b|wal[- ]?g|pgbackrest|barman|velero|restic|borg|mysqldump|pg_dump|xtrabackup|dumps?\b|versioning", 2.5),
        (r"replicat\w+ to|cross[- ]region copy|offsite|glacier|vault\b", 1), (r"retention|kept \d+", 0.7),
    ),
    "maint_daily": ((r"\bdaily\b|every day|each day|every morning|nightly", 1.5), (r"^(?:daily|every day|each day)\b", 1.5), (r"(?:check|review|look at)\w* (?:the )?(?:dashboards?|alerts|queues?|backlog|errors?)", 1)),
    "maint_weekly": ((r"\bweekly\b|every week|each week|every (?:monday|tuesday|wednesday|thursday|friday|sunday|saturday)|on (?:mondays|tuesdays|fridays)", 1.5), (r"^(?:the )?(?:weekly|every week|each week)\b", 1.5), (r"patch\w*|rotate logs|update (?:deps|dependencies)", 1)),
    "maint_monthly": ((r"\bmonthly\b|every month|each month|once a month|first (?:monday|tuesday) of", 1.5), (r"^(?:monthly|every month|each month)\b", 1.5), (r"cost review|capacity review|certificate|cert(?:s)? (?:renew|rotation)", 1)),
    "maint_quarterly": ((r"quarterly|every quarter|each quarter|every (?:3|three) months|twice a year", 1.5), (r"^(?:quarterly|every quarter|each quarter)\b", 1.5), (r"access review|failover (?:drill|test)|dr (?:drill|test)|game ?day", 1)),
    "db_indexes": ((r"index(?:es|ing)?\b(?![=:])|reindex|rebuild (?:the )?index|optimi[sz]e table|_forcemerge|force ?merge|segment merg\w*|pg_repack|repack", 2.5),),
    "db_statistics": ((r"analy[sz]e\b|statistics|stats update|update stat\w*|autovacuum analy\w+", 2.5),),
    "db_cleanup": ((r"vacuum\w*|purge\w*|clean ?up|cleanup|prun\w+|ttl\b|delete (?:old|expired)|compaction|curator|ilm\b|index lifecycle|archiv\w+|truncat\w+|drop (?:old )?partitions?|partitions? older", 2), (r"rollover", 1)),
    "db_tuning": ((r"tuning|tune\w*|slow (?:query|queries|log)|query plans?|explain analy\w+|pg_stat_statements|connection pool|pgbouncer|work_mem|buffer pool|heap size|shard (?:sizing|count)", 2),),
    "deploy_process": (
        (r"deploy\w*|release\w*|ci/?cd|pipeline|argo ?cd|argocd|flux|spinnaker|jenkins|github actions|gitlab ci|circleci|buildkite|octopus|canary|blue[/-]green|rolling (?:update|deploy)|merge to main|promot\w+ to prod", 2),
        (r"staging|prod(?:uction)?", 0.7), (r"helm upgrade|kubectl apply|terraform apply", 1),
    ),
    "rollback": ((r"roll ?back|rolling back|revert\w*|undo|previous (?:version|release|image|tag)|rollout undo|redeploy the last|pin (?:the )?(?:previous|old)", 3),),
    "severity_levels": ((r"severity levels?|sev levels?", 2.5), (r"\bsev(?:erity)? ?[1-4]\b|\bp[1-4]\b", 1), (r"response time|respond within|ack (?:within|in)", 1.5)),
    "incident_channel": (
        (r"incidents? (?:go|are|get|channel|room|declared|commander)|war ?room|status ?page|statuspage|incident\.io|declare (?:an )?incident|bridge call|zoom bridge|(?:its|their) own channel|incident channel", 2.5),
        (r"#[\w-]*inc(?:ident)?s?[\w-]*|#[\w-]*war\b", 2),
        (r"post-?mortem|postmortem|retro", 1), (r"notif(?:y|ies) (?:stakeholders|customers|support)|comms?\b", 1.5),
    ),
    "escalation": (
        (r"escalat\w+", 3), (r"on-?call", 1), (r"(?:team|tech|eng(?:ineering)?) lead|manager|director|head of|\bvp\b|cto|ciso|exec\w*|secondary|primary|l[1-4]\b|tier ?[1-4]|level ?[1-4]", 1),
        (r"then (?:the )?(?:team lead|lead|manager|director|vp|cto|secondary|eng)", 2), (r"first (?:the )?on-?call", 2),
    ),
    "common_issues": (
        (r"common (?:issues?|problems?|failures?)|(?:goes|went) wrong|known issues?|usual suspects|most (?:common|frequent)|(?:keeps?|tends to) (?:happening|break\w*)|biggest pain", 3),
        (r"→|->|=>", 1.5), (r"symptom\w*|root cause|caused by|because|fix(?:ed)? (?:is|by)|resolution|workaround", 1.5), (r"ooms?|oom ?kill\w*|timeouts?|crash ?loop\w*|stuck|deadlock\w*|leak\w*|spikes?|runs? out of|full disk|disk (?:fills|full)|split[- ]brain|poison|storms?|exhaust\w*|can'?t (?:log|connect|reach)|falls? (?:off|over)|(?:is|are|goes) down", 1),
    ),
    "diagnostic_commands": (
        (r"debug\w*|diagnos\w*|troubleshoot\w*|first (?:thing|command)s? (?:i|we) (?:run|check)|to see what's (?:wrong|going on)", 2.5),
        (r"kubectl (?:get|describe|logs|top)|systemctl status|journalctl|tail -f|docker (?:ps|logs)|curl |psql |redis-cli|\bdig\b|\btop\b|htop|iostat|vmstat|netstat|\bss -|lsof|strace|tcpdump|_cat/|aws \w+ (?:describe|get|list)|gcloud \w+ (?:describe|list)|az \w+ (?:show|list)", 2),
    ),
    "log_errors": (
        (r"log patterns?|grep(?:ping)? (?:for|the logs)", 3), (r"error patterns?|look (?:for|out for) .{0,40}(?:in the logs|errors?|exceptions?)|log lines?|stack ?traces?|exceptions?|panic:|fatal|\berror\b.{0,20}\blogs?\b", 2),
        (r"[A-Z][a-z]+(?:Exception|Error|Timeout)\b", 2), (r"(?:level|status)[:=](?:error|5\d\d)", 2),
    ),
    "log_performance": ((r"slow (?:requests?|queries|log)|latency (?:in|from) (?:the )?logs|took \d+|duration_ms|response_time", 2),),
    "log_security": ((r"auth(?:entication)? failures?|failed logins?|401s?|403s?|brute[- ]force|login (?:failures|attempts)", 2),),
    "kpis": ((r"\bkpis?\b|key (?:performance )?(?:indicators|metrics)|throughput|requests? per (?:second|minute)|\brps\b|\bqps\b|\btps\b|jobs per|sessions per|ccu|concurrent (?:users|players)|success rate|availability|uptime|slo\b|sli\b|apdex", 2),),
    "baseline": ((r"baseline|normal(?:ly)?|typical(?:ly)?|usually (?:around|at|about|sits|runs)|on (?:an )?average|steady state|at peak|peaks? (?:at|around|of)|day[- ]to[- ]day|sits at|hovers", 2.5),),
    "perf_alerts": ((r"performance alerts?|perf alerts?|slo burn|burn rate|error budget", 2.5),),
    "opt_database": ((r"query optimi[sz]\w+|read replicas?|connection pool\w*|pgbouncer|proxysql|caching queries|materiali[sz]ed views?|partition\w*", 1.5),),
    "opt_application": ((r"caching|cache (?:hit|warm)|profil(?:ing|er|ed)\b|flame ?graphs?|batch(?:ing)? (?:calls|writes)|async\w*|optimi[sz]\w+ (?:the )?(?:code|app)", 1.5),),
    "opt_infrastructure": ((r"right-?siz\w+|spot instances?|reserved instances?|savings plans?|karpenter|bin ?packing|instance types?", 1.5),),
    "growth": ((r"growth|growing|grow(?:s)? (?:by|at|about)|doubl\w+|per (?:month|quarter|year)|year[- ]over[- ]year|yoy|mom\b|black friday|launch|season\w*|peak season|traffic (?:goes|will)", 2),),
    "resources": ((r"(?:we'?ll|will) need|need (?:more|another|extra)|headroom|capacity (?:plan\w*|review)|budget for|order (?:more )?(?:nodes|servers|disks)|provision\w*", 2),),
    "scaling_triggers": (
        (r"autoscal\w+|\bhpa\b|keda|scal(?:e|es|ing) (?:out|up|when|at|on)|scaling (?:policy|rule|trigger)|add (?:an?|one|two|\d+|more|extra|another)? ?(?:\w+ )?(?:nodes?|replicas?|workers?|instances?|vms?|brokers?|servers?|shards?)\b|min(?:imum)? \d+ ?(?:/|and|,) ?max", 2.5),
        (r"when (?:the )?(?:cpu|memory|queue|lag|load|disk|heap)", 1.5),
    ),
    "security_events": ((r"security events?|siem|audit ?logs?|cloudtrail|wazuh|sentinel\b|security hub|privilege changes?|suspicious|auth(?:entication)? failures?|failed (?:logins?|logons?)|brute[- ]force|credential stuffing|impossible travel", 2), (r"\bsoc\b|security operations cent(?:er|re)|(?:raises?|opens?) a (?:case|security ticket)", 1.5),),
    "threat_detection": ((r"threat\w*|guardduty|waf\b|\bids\b|\bips\b|falco|crowdstrike|defender|intrusion|ddos|cloud armor|shield\b|fail2ban|anomal\w+", 2),),
    "vuln_management": ((r"vulnerab\w+|\bcves?\b|\bcvss\b|dependabot|snyk|trivy|renovate|grype|qualys|nessus|patch(?:ed|ing)?|deps? scan\w*|scanned|image scan\w*|security updates?", 2),),
    "user_access": ((r"\bsso\b|only way in|jump ?host|kerberos|\bkdc\b|ranger polic\w+|okta|azure ad|entra|google workspace|ldap|active directory|saml|oidc|\brbac\b|access requests?|get access|(?:engineers|devs|people) (?:get|have) access|bastion|teleport|ssh (?:access|keys?)|vpn|\bmfa\b|2fa", 2), (r"(?:people|engineers|devs|users|everyone|we) (?:log ?in|sign ?in|authenticate) (?:with|via|through|using)|\bad (?:accounts?|groups?)\b|\bgroup [\w-]+ has\b", 2.5),),
    "service_accounts": ((r"service accounts?|service principals?|iam (?:task )?roles?|irsa|workload identity|vault\b|secrets? manager|key ?vault|sealed secrets|sops|static keys|api keys?|credentials? (?:are|live|stored|rotated)|rotat\w+ (?:every|each|quarterly|monthly)|secrets? (?:are|live|in)", 2),),
    "privileged_access": ((r"privileg\w+|admin access|root access|sudo|break[- ]glass|just[- ]in[- ]time|\bjit\b|\bpam\b|elevat\w+|cluster-admin|db admin|superuser|approval (?:from|by)", 2),),
    "audit": ((r"(?<![\w-])audit\w*|soc ?2|soc ?1|iso ?27001|pci (?:audit|assessment)|sox\b|itgc|pen ?tests?|penetration test", 2),),
    "data_protection": ((r"encrypt\w*|\bkms\b|\btls\b|at rest|in transit|\bpii\b|personal data|tokeni[sz]\w+|mask\w*|pseudonym\w*|anonymi[sz]\w*|data classification|hsm\b", 2),),
    "regulatory": ((r"gdpr|hipaa|pci[- ]?dss|\bpci\b|ccpa|lgpd|dora\b|nis ?2|fedramp|coppa|regulat\w+|compliance|data residency|right to (?:be forgotten|erasure)", 2),),
    "rto": ((r"\brto\b|recovery time", 3),),
    "rpo": ((r"\brpo\b|recovery point|data loss", 3),),
    "recovery_steps": (
        (r"\bdr\b|disaster recovery|fail ?over|failback|recover\w*|restore (?:from|the|it)|region (?:goes )?down|lose (?:the )?(?:primary|region|db|database|cluster)|rebuild|redeploy|promote (?:the )?(?:replica|standby|secondary)", 2),
        (r"standby|secondary region|warm spare|pilot light", 1),
    ),
    "backup_verification": ((r"verification is|backup (?:verification|checks?)|verif\w+ (?:the )?backups?|checksums?|backups? (?:are )?(?:verified|checked|tested)|integrity check", 2.5),),
    "restore_testing": (
        (r"restore (?:test|drill|check|job)\w*|test(?:ed|ing)? (?:a |the )?restores?|restores? (?:are |is )?tested|restore into (?:staging|a scratch)|practi[cs]e restores?|dr (?:test|drill|exercise)", 2.5), (r"\bwe (?:test|drill|rehearse|exercise) (?:it|this|dr|the dr|failover|the failover|the restore) (?:once|twice|every|each|yearly|annually|quarterly|monthly)", 4),
        (r"(?:last|latest|previous|next) (?:full )?dr (?:test|drill|exercise)|\b(?:do|run|hold) an? (?:full )?dr (?:test|drill|exercise)", 4),
        (r"(?:test|automated|weekly|monthly|quarterly|yearly)\s+restores?\b|\brestores?\b[^.;]{0,60}\b(?:into|onto)\s+\S*(?:restore|test|stg|staging|scratch)", 3),
    ),
    "data_integrity": ((r"integrity|row counts?|reconcil\w+|checksums? (?:after|match)|compare (?:counts|totals)|consistency check|doc(?:ument)? counts?", 2),),
    "doc_schedule": ((r"(?:docs?|runbooks?|documentation|this manual|wiki) (?:are |is |get )?(?:reviewed|updated|refreshed)|review (?:the )?(?:docs|runbooks)|update (?:the )?(?:docs|runbook)", 2), (r"\b(?:docs?|runbooks?|documentation|wiki)\b[^.;]{0,80}\breviewed (?:every|each|once|after|quarterly|monthly|yearly|twice)", 2.5),),
    "doc_versioning": ((r"(?:docs?|runbooks?|documentation) (?:live|are|is) (?:in|on)|confluence|notion|backstage|docs repo|in git|mkdocs|readme", 2), (r"architecture decision records?|\badrs?\b", 2.5),),
    "doc_review": ((r"(?:docs?|runbook) (?:changes )?(?:reviewed|approved) by|pr review|peer review", 2),),
    "onboarding": ((r"onboard\w*|new (?:joiners?|hires?|people|engineers|team members?|folks|starters?|colleagues)|newcomers|first week|shadow\w*", 2), (r"before (?:they|you) (?:go|join|are put) on[- ]?call", 2),),
    "training": ((r"training|game ?days?|chaos (?:days?|engineering|tests?)|drills?|tabletop|fire drill|lunch ?(?:and|&|n) ?learn", 2), (r"(?:dr|incident|failover) walk-?throughs?", 3),),
    "knowledge_transfer": ((r"knowledge (?:transfer|sharing)|handover|hand-?off|brown ?bags?|pairing|demo days?|write-?ups?|office hours", 2),),
}
# fmt: on

# Words that make a clause about the system at all; a clause with none of these, no number and
# no name is chatter ("is it lunch yet?").
OPS_WORDS = re.compile(
    r"\b(?:server|service|cluster|node|pod|host|db|database|queue|cache|deploy|release|alert|"
    r"page|log|metric|backup|restore|restart|start|stop|scale|config|prod|staging|api|"
    r"endpoint|job|worker|latency|error|disk|cpu|memory|traffic|request|user|customer|team|"
    r"on-?call|incident|ticket|runbook|dashboard|region|replica|shard|index|bucket|table|"
    r"topic|partition|cron|script|command|secret|key|cert|token|access|role|policy|sla|slo|"
    r"check|monitor|migration|upgrade|patch|rollback|failover|outage|timeout|retry|version|"
    r"batch|realtime|stream|offset|indexer|consumer|producer|broker|message|event|schema|"
    r"pipeline|storage|snapshot|replication|primary|master|queue|gateway|firewall|vpc|subnet|"
    r"vlan|proxy|dns|tls|cert)s?\b",
    re.I,
)


def _compile(pattern: str) -> re.Pattern[str]:
    lead = r"(?<![\w/-])" if re.match(r"[\w(]", pattern) else ""
    tail = r"(?![\w])" if re.search(r"[\w)?]$", pattern) else ""
    return re.compile(f"{lead}(?:{pattern}){tail}", re.I)


@lru_cache(maxsize=1)
def compiled() -> dict[str, tuple[tuple[re.Pattern[str], float], ...]]:
    """The cue table compiled once, on first use (not at import)."""
    return {
        slot_id: tuple((_compile(pattern), weight) for pattern, weight in cues)
        for slot_id, cues in CUES.items()
    }


SCORE_LIMIT = 1_500  # a "sentence" longer than this is a paste; its start says what it is


def scores(text: str, *, only: Iterable[str] | None = None) -> dict[str, float]:
    """Slot id -> evidence that ``text`` is about it (each cue counted once); ``only`` limits
    the scan to those slots (a second look at a few of them need not read every cue again)."""
    text = text[:SCORE_LIMIT]
    found: dict[str, float] = {}
    cues_of = compiled()
    for slot_id in cues_of if only is None else only:
        total = sum(weight for regex, weight in cues_of[slot_id] if regex.search(text))
        if total:
            found[slot_id] = total
    return found


# Verbs a runbook step starts with: "restore the table, point the producers at …" is a list of
# steps, not three topics.
IMPERATIVE = re.compile(
    r"^(?:and\s+|then\s+)*(?:redeploy|deploy|restore|point|promote|scale|run|check|stop|start|"
    r"restart|fail\s?over|switch|update|verify|flip|drain|wait|roll\s?back|notify|page|declare|"
    r"build|register|replay|rebuild|re-?enable|enable|disable|set|open|close|kill|delete|"
    r"remove|add|create|confirm|watch|look|grep|tail|run|apply|sync|cut\s?over|repoint|re-?run|"
    r"rotate|revoke|block|unblock|freeze|unfreeze|pause|resume|purge|clear|flush|mount|unmount|"
    r"reboot|power|attach|detach|copy|move|trigger|kick|bump|increase|decrease|raise|lower|"
    r"ask|tell|call|ping|ssh|login|log\s+in|go|give|let|make|put|take|use|send|post|"
    r"escalate|mark|tag|merge|revert|pin|cordon|uncordon|evict|recreate|reindex|re-?index)\b",
    re.I,
)


# Words that say something went wrong: "aurora connection storms when … → error → fix" is a
# common issue, "players hit an NLB → envoy → player-api" is a request flow.
PROBLEM = re.compile(
    r"\b(?:ooms?|oom ?kill\w*|timeouts?|times? out|crash\w*|stuck|deadlock\w*|leak\w*|spikes?|"
    r"runs? out of|full|split[- ]brain|poison|storms?|exhaust\w*|can'?t|cannot|fail\w*|"
    r"errors?|broken|falls? (?:off|over)|down|lag\w*|hang\w*|slow)\b",
    re.I,
)
