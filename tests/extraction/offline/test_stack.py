"""The stack named in passing fills Infrastructure and External services (``stack``).

Why: engineers name the stack once, in the sentence that describes the system ("a Node.js app
on ECS Fargate behind an ALB … SMS via Twilio"), and that sentence is placed as the
architecture. Without this pass the bot asked "what infrastructure does it run on?" after every
reply and the manual carried a proposal where the team had answered.
"""

from __future__ import annotations

from tests.extraction.offline.support import new_draft, values

SAID = (
    "hey all 👋 so Lumen Notify is our notification service: a Node.js 20 app on ECS Fargate in "
    "us-east-1, behind an ALB. it takes events from SQS (queue lumen-events), renders templates "
    "and sends push via SNS, SMS via Twilio and email via SendGrid."
)


def test_the_stack_in_the_architecture_sentence_fills_both_slots() -> None:
    found = values(SAID, "architecture", "components", "infrastructure")
    assert found["infrastructure"] == "ECS Fargate, ALB, SQS, SNS (us-east-1)"
    assert found["external_services"] == "Twilio (SMS), SendGrid (email)"
    assert "architecture" in found


def test_a_hedged_or_asked_mention_names_no_stack() -> None:
    found = values("we used to run on Heroku and we're thinking about Kafka. is Redis worth it?")
    assert "infrastructure" not in found
    assert "external_services" not in found


def test_an_answer_already_given_is_never_overwritten_by_names() -> None:
    draft = new_draft(infrastructure="three VMs in Hetzner behind HAProxy, PostgreSQL 15")
    found = values("payments go through Stripe and Adyen, the cache is Redis", draft=draft)
    assert "infrastructure" not in found
    assert "Stripe" in str(found["external_services"])


def test_a_command_is_no_stack() -> None:
    found = values("to check the queue: `aws sqs get-queue-attributes --queue-url $Q`")
    assert "infrastructure" not in found


def test_one_service_mentioned_in_passing_is_no_list_of_dependencies() -> None:
    """ "ingests Stripe webhooks" names Stripe; the team still gets asked for the whole list."""
    found = values("webhook-relay: ingests Stripe webhooks", "components")
    assert "external_services" not in found


def test_vendors_named_in_a_troubleshooting_line_are_not_the_dependencies() -> None:
    """ "Stripe timeouts → enable the Adyen fallback" names two vendors, but it answers what
    goes wrong; taking it as the dependency list kept the bot from ever asking for it."""
    found = values(
        "common issues: Stripe timeouts: charge errors rise / Stripe degraded / enable the "
        "Adyen fallback",
        "common_issues",
    )
    assert "external_services" not in found


def test_the_systems_own_description_may_name_a_single_service_and_its_data_centre() -> None:
    """ "hands them to Postmark for email" is the one outside service of an on-prem batch."""
    found = values(
        "Harbor Billing is the nightly invoicing batch on two on-prem VMs in the Frankfurt DC, "
        "reads usage from Oracle 19c and hands the PDFs to Postmark for email",
        "architecture",
    )
    assert found["external_services"] == "Postmark"
    assert found["infrastructure"] == "on-prem, Oracle (Frankfurt DC)"
