"""`auditor fix`: a deployable permission set that grants exactly what the audit found missing.

plan.py (findings + snapshot -> FixPlan, pure), document.py (FixPlan <-> JSON data, for reports and
--from-report), writer.py (FixPlan -> PermissionSet XML, package.xml, files), render.py (table/json/markdown).
The auditor never deploys or assigns anything: it writes files and says which commands to run.
"""

from auditor.fix.plan import FixPlan, ManualStep, plan_fix

__all__ = ["FixPlan", "ManualStep", "plan_fix"]
