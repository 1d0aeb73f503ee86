"""Use the installed mgbridge from Python as a user would, against the emulator.

Run by test_installed_packages.py with the scratch venv's interpreter; prints one JSON
object saying where the package came from and what the job came back as.
"""

import json
import sys
from datetime import timedelta

import bridge
from bridge._http_client import USER_AGENT

info = json.loads(open(sys.argv[1], encoding="utf-8").read())
bridge.add_environment("Emulator", azure_ad_endpoint=info["login_url"],
                       graph_endpoint=info["graph_url"], ca_file=info["ca_file"])
bridge.connect(client_id=info["client_id"], tenant_id=info["tenant_id"],
               client_secret=info["client_secret"], environment="Emulator")
job = bridge.new_application_synchronization_job(
    application_id=info["application_id"],
    body_parameter={"TemplateId": "scim", "ScheduleInterval": timedelta(minutes=40)})
bridge.disconnect()
print(json.dumps({"file": bridge.__file__, "version": bridge.__version__, "user_agent": USER_AGENT,
                  "job_id": job.id, "interval": str(job.schedule.interval) if job.schedule else None}))
