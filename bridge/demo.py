"""The main job: create a synchronization job against the embedded Graph emulator.

``python -m bridge.demo`` starts the local Graph emulator (HTTPS on loopback,
its own CA), connects with its client credentials through MSAL, creates a job
from a nested, hashtable-shaped body and prints the job Graph returned.
``--what-if`` prints the request instead, without any service.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from typing import Any, Optional, Sequence

import bridge

# The body as a PowerShell user writes it for -BodyParameter: the NOTES shape,
# AutoRest's flattened keys, mixed case.
DEMO_BODY: dict[str, Any] = {
    "TemplateId": "scim",
    "ScheduleInterval": timedelta(minutes=40),
    "ScheduleState": "active",
    "SynchronizationJobSettings": [{"Name": "AzureIngestionAttributeOptimization", "Value": "False"}],
    "SchemaSynchronizationRules": [{
        "Name": "USER_OUTBOUND_USER", "SourceDirectoryName": "Azure Active Directory",
        "TargetDirectoryName": "customappsso", "Editable": True,
        "ObjectMappings": [{
            "Name": "Provision Azure Active Directory Users", "Enabled": True,
            "FlowTypes": "Add, Update, Delete", "SourceObjectName": "User",
            "TargetObjectName": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
            "AttributeMappings": [{
                "TargetAttributeName": "userName", "FlowType": "Always", "MatchingPriority": 1,
                "SourceExpression": "[userPrincipalName]", "SourceName": "userPrincipalName",
                "SourceType": "Attribute"}],
            "ScopeGroups": [{"Name": "only IT", "Clauses": [{
                "OperatorName": "EQUALS", "SourceOperandName": "department",
                "TargetOperandValues": ["IT"]}]}],
        }],
    }],
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bridge.demo", description=__doc__)
    parser.add_argument("--what-if", action="store_true", help="print the request, send nothing")
    args = parser.parse_args(argv)
    if args.what_if:
        request = bridge.new_application_synchronization_job(
            application_id="00000000-0000-0000-0000-000000000001", body_parameter=DEMO_BODY,
            what_if=True)
        print(json.dumps(request.to_dict(), indent=2))
        return 0
    from bridge.emulator import Emulator

    with Emulator() as emu:
        info = emu.info
        print(f"emulator: Graph at {info['graph_url']}, login at {info['login_url']}",
              file=sys.stderr)
        bridge.add_environment("Emulator", azure_ad_endpoint=info["login_url"],
                               graph_endpoint=info["graph_url"], ca_file=info["ca_file"])
        bridge.connect(client_id=info["client_id"], tenant_id=info["tenant_id"],
                       client_secret=info["client_secret"], environment="Emulator")
        try:
            context = bridge.get_context()
            if context is not None:
                print(f"connected: app {context.client_id} in tenant {context.tenant_id} "
                      f"({context.token_credential_type.value}, scopes {', '.join(context.scopes)})",
                      file=sys.stderr)
            job = bridge.new_application_synchronization_job(
                application_id=info["application_id"], body_parameter=DEMO_BODY)
        finally:
            bridge.disconnect()
        print(json.dumps(job.to_dict(), indent=2))
        schedule = job.schedule
        state = schedule.state if schedule else None
        interval = schedule.interval if schedule else None
        print(f"created job {job.id} (state {state}, every {interval})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
