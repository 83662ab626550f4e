"""The clause catalogue of ISO/IEC 20000-1, as package data (`standard.py` reads it).

Python rather than YAML so that reading it costs an import from bytecode, not a YAML
parser: every command that checks `metadata.clauses` needs it, and PyYAML's import and
parse were a fifth of the start-up of a one-record `itsm validate`.
"""

# Clause numbers and short titles only. ISO's text is copyrighted: every `summary` and
# `note` below is our own one-line paraphrase, never a quotation of the standard.
#
# Each edition is a flat list in document order. A clause's parent is implied by its id
# (the id minus its last component: 8.3.4.1 -> 8.3.4); a clause with no children is a
# leaf. Ids are strings: "8.10" is not "8.1".
#
# Fields (2018):
#   mandatory      true when the clause calls for mandatory documented information
#                  (README, section `itsm gap`); then `document` names it and
#                  `document_kind` is the kind of approved record that satisfies it.
#   note           extra context, such as what an amendment adds.
# Fields (2011):
#   maps_to        the 2018 clauses that carry the 2011 clause's requirements, the main
#                  home first. Omitted on a 2011 parent that has no mapping of its own: it
#                  then maps to everything its children map to.
#
# Rule codes and kinds are deliberately absent: rules and kinds declare their clauses in
# code (`Record.CLAUSES`) and the catalogue inverts that mapping.

from typing import Any

CATALOGUE: dict[str, Any] = {
    "edition": "2018",
    "standard": "ISO/IEC 20000-1:2018",
    "amendments": ["ISO/IEC 20000-1:2018/Amd 1:2024"],
    "clauses": [
        # 4 ----------------------------------------------------------------------------
        {
            "id": "4",
            "title": "Context of the organization",
            "summary": (
                "Understand the organization's situation and stakeholders, then bound and set up "
                "the SMS."
            ),
        },
        {
            "id": "4.1",
            "title": "Understanding the organization and its context",
            "summary": (
                "Work out which internal and external issues bear on the organization's purpose "
                "and on what the SMS can achieve."
            ),
            "note": (
                "Amendment 1:2024 adds that the organization must decide whether climate change "
                "is a relevant issue."
            ),
        },
        {
            "id": "4.2",
            "title": "Needs and expectations of interested parties",
            "summary": (
                "Identify who has a stake in the SMS and the services, and what each of them "
                "requires."
            ),
            "note": (
                "Amendment 1:2024 adds a note that interested parties can have requirements about "
                "climate change."
            ),
        },
        {
            "id": "4.3",
            "title": "Scope of the SMS",
            "summary": (
                "Decide and write down which services, units and locations the SMS covers, given "
                "its context and stakeholders."
            ),
            "mandatory": True,
            "document": "Scope of the SMS",
            "document_kind": "Evidence",
        },
        {
            "id": "4.4",
            "title": "Service management system",
            "summary": (
                "Set up, run, maintain and keep improving the SMS, its processes and the services "
                "it delivers."
            ),
            "mandatory": True,
            "document": "SMS processes",
            "document_kind": "Evidence",
        },
        # 5 ----------------------------------------------------------------------------
        {
            "id": "5",
            "title": "Leadership",
            "summary": "Top management owns the SMS, sets its policy and hands out its roles.",
        },
        {
            "id": "5.1",
            "title": "Leadership and commitment",
            "summary": (
                "Top management visibly backs the SMS, funds it and steers it towards the results "
                "it is meant to deliver."
            ),
        },
        {
            "id": "5.2",
            "title": "Policy",
            "summary": "A service management policy set by top management and made known.",
            "mandatory": True,
            "document": "Service management policy",
            "document_kind": "Evidence",
        },
        {
            "id": "5.2.1",
            "title": "Establishing the policy",
            "summary": (
                "The policy fits the organization's purpose, frames the objectives and commits to "
                "meeting requirements and improving."
            ),
        },
        {
            "id": "5.2.2",
            "title": "Communicating the policy",
            "summary": (
                "The policy is kept as a document, explained inside the organization and shared "
                "with stakeholders where fitting."
            ),
        },
        {
            "id": "5.3",
            "title": "Roles, responsibilities and authorities",
            "summary": (
                "Give named people the responsibility and authority for the SMS, its conformity "
                "and reporting on it, and tell everyone."
            ),
        },
        # 6 ----------------------------------------------------------------------------
        {
            "id": "6",
            "title": "Planning",
            "summary": "Plan how the SMS deals with risk, what it aims for and how it will run.",
        },
        {
            "id": "6.1",
            "title": "Actions to address risks and opportunities",
            "summary": (
                "Find the risks and opportunities for the SMS and the services, then plan, take "
                "and review actions on them."
            ),
        },
        {
            "id": "6.2",
            "title": "Service management objectives and planning to achieve them",
            "summary": (
                "Set measurable service management objectives and plan the work that will reach "
                "them."
            ),
            "mandatory": True,
            "document": "Service management objectives",
            "document_kind": "Evidence",
        },
        {
            "id": "6.2.1",
            "title": "Establish objectives",
            "summary": (
                "Set measurable objectives for the relevant functions and levels, in line with "
                "the policy, and keep them on record."
            ),
        },
        {
            "id": "6.2.2",
            "title": "Plan to achieve objectives",
            "summary": (
                "Decide what will be done for each objective, with which resources, by whom, by "
                "when and how success is judged."
            ),
        },
        {
            "id": "6.3",
            "title": "Plan the SMS",
            "summary": (
                "Keep a service management plan covering the services, scope, approach, "
                "resources, responsibilities and how the SMS runs."
            ),
            "mandatory": True,
            "document": "Service management plan",
            "document_kind": "Evidence",
        },
        # 7 ----------------------------------------------------------------------------
        {
            "id": "7",
            "title": "Support of the SMS",
            "summary": (
                "Provide the people, skills, communication, documents and knowledge the SMS "
                "depends on."
            ),
        },
        {
            "id": "7.1",
            "title": "Resources",
            "summary": (
                "Provide the people, technology, information and money the SMS and the services "
                "need."
            ),
        },
        {
            "id": "7.2",
            "title": "Competence",
            "summary": (
                "Make sure people whose work affects the SMS are competent, close any gaps and "
                "keep proof of competence."
            ),
        },
        {
            "id": "7.3",
            "title": "Awareness",
            "summary": (
                "Make sure people know the policy, the objectives, their own part and what "
                "happens when requirements are not met."
            ),
        },
        {
            "id": "7.4",
            "title": "Communication",
            "summary": (
                "Decide what is communicated about the SMS and the services, when, to whom, how "
                "and by whom."
            ),
        },
        {
            "id": "7.5",
            "title": "Documented information",
            "summary": (
                "Keep the documents and records the SMS needs, properly created and under "
                "control."
            ),
        },
        {
            "id": "7.5.1",
            "title": "Documented information: general",
            "summary": (
                "Hold the documented information the standard asks for and whatever else the "
                "organization finds it needs."
            ),
        },
        {
            "id": "7.5.2",
            "title": "Creating and updating",
            "summary": (
                "Give documents an identity, a suitable format and medium, and a review and "
                "approval before use."
            ),
        },
        {
            "id": "7.5.3",
            "title": "Control of documented information",
            "summary": (
                "Keep documents available, protected, versioned, retained and disposed of under "
                "control, external ones included."
            ),
        },
        {
            "id": "7.5.4",
            "title": "SMS documented information",
            "summary": (
                "The documents every SMS must hold, from scope and policy to the catalogue, "
                "agreements and key process policies."
            ),
        },
        {
            "id": "7.6",
            "title": "Knowledge",
            "summary": (
                "Work out, keep up and share the knowledge needed to run the SMS and deliver the "
                "services."
            ),
        },
        # 8 ----------------------------------------------------------------------------
        {
            "id": "8",
            "title": "Operation of the SMS",
            "summary": (
                "Run the processes that plan, agree, supply, change, restore and assure the "
                "services."
            ),
        },
        {
            "id": "8.1",
            "title": "Operational planning and control",
            "summary": (
                "Plan, carry out and control the processes that deliver the services, including "
                "processes run by other parties."
            ),
        },
        {
            "id": "8.2",
            "title": "Service portfolio",
            "summary": "Manage the services as a portfolio across their whole lifecycle.",
        },
        {
            "id": "8.2.1",
            "title": "Service delivery",
            "summary": "Coordinate the activities and resources that deliver the services.",
        },
        {
            "id": "8.2.2",
            "title": "Plan the services",
            "summary": (
                "Work out and write down the service requirements, and plan new services and "
                "changes to existing ones."
            ),
            "mandatory": True,
            "document": "Service requirements",
            "document_kind": "Evidence",
        },
        {
            "id": "8.2.3",
            "title": "Control of parties involved in the service lifecycle",
            "summary": (
                "Stay accountable for, and keep control of, processes and services run by "
                "suppliers, internal teams or customers."
            ),
        },
        {
            "id": "8.2.4",
            "title": "Service catalogue management",
            "summary": (
                "Keep a catalogue describing each service, what it is for and what it depends on."
            ),
            "mandatory": True,
            "document": "Service catalogue",
            "document_kind": "Service",
        },
        {
            "id": "8.2.5",
            "title": "Asset management",
            "summary": (
                "Manage the assets behind the services so that requirements and obligations are "
                "met."
            ),
        },
        {
            "id": "8.2.6",
            "title": "Configuration management",
            "summary": (
                "Define the types of configuration item, record each item under change control "
                "and keep the data accurate."
            ),
        },
        {
            "id": "8.3",
            "title": "Relationship and agreement",
            "summary": (
                "Manage the relationships and agreements with customers, users and suppliers."
            ),
        },
        {
            "id": "8.3.1",
            "title": "Relationship and agreement: general",
            "summary": (
                "Manage customer, user and supplier relationships through agreed arrangements."
            ),
        },
        {
            "id": "8.3.2",
            "title": "Business relationship management",
            "summary": (
                "Know the customers, review service performance with them, measure their "
                "satisfaction and handle complaints."
            ),
        },
        {
            "id": "8.3.3",
            "title": "Service level management",
            "summary": (
                "Agree SLAs with targets, workload limits and exceptions for each service, and "
                "report performance against them."
            ),
            "mandatory": True,
            "document": "Service level agreements",
            "document_kind": "SLA",
        },
        {
            "id": "8.3.4",
            "title": "Supplier management",
            "summary": (
                "Manage external and internal suppliers so that they support the services as "
                "agreed."
            ),
        },
        {
            "id": "8.3.4.1",
            "title": "External suppliers",
            "summary": (
                "Give each external supplier an owner and a written contract aligned with the "
                "SLAs; monitor it and track disputes."
            ),
            "mandatory": True,
            "document": "Contracts with external suppliers",
            "document_kind": "Supplier",
        },
        {
            "id": "8.3.4.2",
            "title": "Internal suppliers and customers acting as a supplier",
            "summary": (
                "Agree written targets with internal teams, and customers acting as suppliers, "
                "and monitor how they perform."
            ),
            "mandatory": True,
            "document": "Agreements with internal suppliers",
            "document_kind": "OLA",
        },
        {
            "id": "8.4",
            "title": "Supply and demand",
            "summary": "Match the money and capacity behind the services to the demand for them.",
        },
        {
            "id": "8.4.1",
            "title": "Budgeting and accounting for services",
            "summary": (
                "Budget for and account for the cost of services so that finances can be "
                "controlled and decisions informed."
            ),
        },
        {
            "id": "8.4.2",
            "title": "Demand management",
            "summary": (
                "Understand and forecast demand for the services and watch actual consumption."
            ),
        },
        {
            "id": "8.4.3",
            "title": "Capacity management",
            "summary": (
                "Plan and provide enough human, technical, information and financial capacity, "
                "and monitor how it is used."
            ),
        },
        {
            "id": "8.5",
            "title": "Service design, build and transition",
            "summary": "Control changes, and design, build and roll out new or changed services.",
        },
        {
            "id": "8.5.1",
            "title": "Change management",
            "summary": "Control every change to the services and the things they are built from.",
        },
        {
            "id": "8.5.1.1",
            "title": "Change management policy",
            "summary": (
                "A written policy says what is under change control and which changes count as "
                "having major impact."
            ),
            "mandatory": True,
            "document": "Change management policy",
            "document_kind": "Evidence",
        },
        {
            "id": "8.5.1.2",
            "title": "Change management initiation",
            "summary": (
                "Requests for change are recorded and classified before anything else happens."
            ),
        },
        {
            "id": "8.5.1.3",
            "title": "Change management activities",
            "summary": (
                "Assess, approve, schedule, carry out and review changes, with a way back when "
                "one fails."
            ),
        },
        {
            "id": "8.5.2",
            "title": "Service design and transition",
            "summary": (
                "Plan, design, build and move into live use new services and major service "
                "changes."
            ),
        },
        {
            "id": "8.5.2.1",
            "title": "Plan new or changed services",
            "summary": (
                "Plan the activities, roles, timescales, resources, dependencies and acceptance "
                "criteria for a new or changed service."
            ),
        },
        {
            "id": "8.5.2.2",
            "title": "Design",
            "summary": (
                "Design the new or changed service so that it meets its agreed requirements, and "
                "document that design."
            ),
        },
        {
            "id": "8.5.2.3",
            "title": "Build and transition",
            "summary": (
                "Build and test the service against its acceptance criteria, then move it into "
                "live operation."
            ),
        },
        {
            "id": "8.5.3",
            "title": "Release and deployment management",
            "summary": (
                "Plan, build, test and deploy releases into the live environment and check how "
                "they turned out."
            ),
        },
        {
            "id": "8.6",
            "title": "Resolution and fulfilment",
            "summary": "Restore service, fulfil requests and remove the causes of incidents.",
        },
        {
            "id": "8.6.1",
            "title": "Incident management",
            "summary": (
                "Record, classify, prioritise and resolve incidents, escalating as needed and "
                "treating major incidents specially."
            ),
        },
        {
            "id": "8.6.2",
            "title": "Service request management",
            "summary": "Record, prioritise and fulfil service requests.",
        },
        {
            "id": "8.6.3",
            "title": "Problem management",
            "summary": (
                "Find and analyse the root causes of incidents, record known errors and reduce or "
                "remove their impact."
            ),
        },
        {
            "id": "8.7",
            "title": "Service assurance",
            "summary": "Keep services available, recoverable after disruption and secure.",
        },
        {
            "id": "8.7.1",
            "title": "Service availability management",
            "summary": (
                "Assess availability risks, agree availability requirements and targets, and "
                "monitor availability against them."
            ),
        },
        {
            "id": "8.7.2",
            "title": "Service continuity management",
            "summary": (
                "Assess continuity risks, keep a continuity plan, test it at planned intervals "
                "and act on the results."
            ),
            "mandatory": True,
            "document": "Service continuity plan",
            "document_kind": "ContinuityPlan",
        },
        {
            "id": "8.7.3",
            "title": "Information security management",
            "summary": (
                "Protect information through a policy, controls and the handling of security "
                "incidents."
            ),
        },
        {
            "id": "8.7.3.1",
            "title": "Information security policy",
            "summary": (
                "A written information security policy, approved by management and made known to "
                "those who must follow it."
            ),
            "mandatory": True,
            "document": "Information security policy",
            "document_kind": "Evidence",
        },
        {
            "id": "8.7.3.2",
            "title": "Information security controls",
            "summary": (
                "Choose, put in place and operate security controls that answer the assessed "
                "risks."
            ),
        },
        {
            "id": "8.7.3.3",
            "title": "Information security incidents",
            "summary": "Handle information security incidents by priority and learn from them.",
        },
        # 9 ----------------------------------------------------------------------------
        {
            "id": "9",
            "title": "Performance evaluation",
            "summary": "Measure, audit, review and report how the SMS and the services perform.",
        },
        {
            "id": "9.1",
            "title": "Monitoring, measurement, analysis and evaluation",
            "summary": (
                "Decide what to measure, how and when, and evaluate how the SMS and the services "
                "perform."
            ),
        },
        {
            "id": "9.2",
            "title": "Internal audit",
            "summary": (
                "Run a planned audit programme that checks the SMS meets requirements and works."
            ),
        },
        {
            "id": "9.3",
            "title": "Management review",
            "summary": (
                "Top management reviews the SMS at planned intervals and decides what to change "
                "or improve."
            ),
        },
        {
            "id": "9.4",
            "title": "Service reporting",
            "summary": (
                "Report performance against targets, workload, trends and non-conformities, at "
                "planned intervals, to those who need it."
            ),
        },
        # 10 ---------------------------------------------------------------------------
        {
            "id": "10",
            "title": "Improvement",
            "summary": "Correct what goes wrong and keep making the SMS and the services better.",
        },
        {
            "id": "10.1",
            "title": "Nonconformity and corrective action",
            "summary": (
                "Deal with each nonconformity, find its cause and take action so that it does not "
                "happen again."
            ),
        },
        {
            "id": "10.2",
            "title": "Continual improvement",
            "summary": (
                "Keep improving how suitable, adequate and effective the SMS and the services "
                "are."
            ),
        },
    ],
    "editions": {
        "2011": {
            "standard": "ISO/IEC 20000-1:2011",
            "clauses": [
                # 4 --------------------------------------------------------------------
                {
                    "id": "4",
                    "title": "Service management system general requirements",
                    "summary": (
                        "The management system around the services, from leadership and documents "
                        "to improvement."
                    ),
                },
                {
                    "id": "4.1",
                    "title": "Management responsibility",
                    "summary": "What top management must provide and decide for the SMS.",
                },
                {
                    "id": "4.1.1",
                    "title": "Management commitment",
                    "summary": "Top management shows it backs the SMS and gives it resources.",
                    "maps_to": ["5.1"],
                },
                {
                    "id": "4.1.2",
                    "title": "Service management policy",
                    "summary": "Top management sets and communicates a service management policy.",
                    "maps_to": ["5.2"],
                },
                {
                    "id": "4.1.3",
                    "title": "Authority, responsibility and communication",
                    "summary": (
                        "Roles and authorities are defined, and communication about the SMS is "
                        "arranged."
                    ),
                    "maps_to": ["5.3", "7.4"],
                },
                {
                    "id": "4.1.4",
                    "title": "Management representative",
                    "summary": (
                        "One manager is named to coordinate the SMS on top management's behalf."
                    ),
                    "maps_to": ["5.3"],
                    "note": (
                        "The 2018 edition has no separate management representative; the role is "
                        "absorbed into roles and responsibilities."
                    ),
                },
                {
                    "id": "4.2",
                    "title": "Governance of processes operated by other parties",
                    "summary": (
                        "Keep accountability for, and control of, SMS processes that other "
                        "parties run."
                    ),
                    "maps_to": ["8.2.3", "8.1", "8.3.4.2"],
                },
                {
                    "id": "4.3",
                    "title": "Documentation management",
                    "summary": "Create, control and keep the documents and records of the SMS.",
                    "maps_to": ["7.5"],
                },
                {
                    "id": "4.3.1",
                    "title": "Establish and maintain documents",
                    "summary": (
                        "Keep the documents the SMS needs, including the policy, objectives, plan "
                        "and SLAs."
                    ),
                    "maps_to": ["7.5"],
                },
                {
                    "id": "4.3.2",
                    "title": "Control of documents",
                    "summary": "Approve, review, version and protect the documents of the SMS.",
                    "maps_to": ["7.5"],
                },
                {
                    "id": "4.3.3",
                    "title": "Control of records",
                    "summary": (
                        "Keep records that show conformity, and keep them legible, findable and "
                        "retained."
                    ),
                    "maps_to": ["7.5"],
                },
                {
                    "id": "4.4",
                    "title": "Resource management",
                    "summary": "Provide the resources and the skilled, aware people the SMS needs.",
                    "maps_to": ["7.1", "7.2", "7.3"],
                },
                {
                    "id": "4.4.1",
                    "title": "Provision of resources",
                    "summary": (
                        "Provide the people, technology and money needed to run and improve the "
                        "SMS."
                    ),
                    "maps_to": ["7.1"],
                },
                {
                    "id": "4.4.2",
                    "title": "Human resources",
                    "summary": "Make sure staff are competent, trained and aware of their part.",
                    "maps_to": ["7.2", "7.3"],
                },
                {
                    "id": "4.5",
                    "title": "Establish and improve the SMS",
                    "summary": (
                        "Scope, plan, run, check and improve the SMS in a plan-do-check-act "
                        "cycle."
                    ),
                },
                {
                    "id": "4.5.1",
                    "title": "Define scope",
                    "summary": (
                        "Define and write down which services and parts of the organization the "
                        "SMS covers."
                    ),
                    "maps_to": ["4.3"],
                },
                {
                    "id": "4.5.2",
                    "title": "Plan the SMS",
                    "summary": (
                        "Keep a service management plan setting out how the SMS will be run."
                    ),
                    "maps_to": ["6.1", "6.2", "6.3"],
                    "note": (
                        "Risk planning in 2011 was limited to the approach to managing risks; "
                        "2018's actions on risks and opportunities (6.1) go further."
                    ),
                },
                {
                    "id": "4.5.3",
                    "title": "Implement and operate the SMS",
                    "summary": "Carry out the plan and run the service management processes.",
                    "maps_to": ["8.1"],
                },
                {
                    "id": "4.5.4",
                    "title": "Monitor and review the SMS",
                    "summary": (
                        "Check the SMS through monitoring, internal audit and management review."
                    ),
                },
                {
                    "id": "4.5.4.1",
                    "title": "Monitoring",
                    "summary": (
                        "Monitor and measure the SMS and the services to show they meet their "
                        "objectives."
                    ),
                    "maps_to": ["9.1"],
                },
                {
                    "id": "4.5.4.2",
                    "title": "Internal audit",
                    "summary": "Audit the SMS at planned intervals.",
                    "maps_to": ["9.2"],
                },
                {
                    "id": "4.5.4.3",
                    "title": "Management review",
                    "summary": "Top management reviews the SMS at planned intervals.",
                    "maps_to": ["9.3"],
                },
                {
                    "id": "4.5.5",
                    "title": "Maintain and improve the SMS",
                    "summary": (
                        "Correct nonconformities and manage improvements to the SMS and the "
                        "services."
                    ),
                    "maps_to": ["10.1", "10.2"],
                },
                {
                    "id": "4.5.5.1",
                    "title": "Maintain and improve: general",
                    "summary": (
                        "Have a policy on improvement and act on nonconformities and "
                        "opportunities."
                    ),
                    "maps_to": ["10.1", "10.2"],
                },
                {
                    "id": "4.5.5.2",
                    "title": "Management of improvements",
                    "summary": "Record, prioritise, approve and check the results of improvements.",
                    "maps_to": ["10.1", "10.2"],
                },
                # 5 --------------------------------------------------------------------
                {
                    "id": "5",
                    "title": "Design and transition of new or changed services",
                    "summary": "Plan, design, build and roll out new services and major changes.",
                    "maps_to": ["8.5.2", "8.2.2"],
                },
                {
                    "id": "5.1",
                    "title": "Design and transition: general",
                    "summary": (
                        "Which new or changed services go through this process, under change "
                        "management."
                    ),
                    "maps_to": ["8.5.2", "8.2.2"],
                },
                {
                    "id": "5.2",
                    "title": "Plan new or changed services",
                    "summary": (
                        "Plan the requirements, roles, timescales and acceptance criteria of a "
                        "new or changed service."
                    ),
                    "maps_to": ["8.5.2", "8.2.2"],
                },
                {
                    "id": "5.3",
                    "title": "Design and development of new or changed services",
                    "summary": "Design and document the service so that it meets its requirements.",
                    "maps_to": ["8.5.2", "8.2.2"],
                },
                {
                    "id": "5.4",
                    "title": "Transition of new or changed services",
                    "summary": (
                        "Test the service against its acceptance criteria and move it into live "
                        "use."
                    ),
                    "maps_to": ["8.5.2", "8.2.2"],
                },
                # 6 --------------------------------------------------------------------
                {
                    "id": "6",
                    "title": "Service delivery processes",
                    "summary": "Agree, report, assure, fund, size and secure the services.",
                },
                {
                    "id": "6.1",
                    "title": "Service level management",
                    "summary": "Keep a catalogue of services and agree SLAs with targets for each.",
                    "maps_to": ["8.3.3", "8.2.4"],
                },
                {
                    "id": "6.2",
                    "title": "Service reporting",
                    "summary": "Report service performance against targets to those who need it.",
                    "maps_to": ["9.4"],
                },
                {
                    "id": "6.3",
                    "title": "Service continuity and availability management",
                    "summary": "Agree, plan, test and monitor service continuity and availability.",
                    "maps_to": ["8.7.1", "8.7.2"],
                },
                {
                    "id": "6.3.1",
                    "title": "Continuity and availability requirements",
                    "summary": (
                        "Assess the risks and agree the continuity and availability requirements."
                    ),
                    "maps_to": ["8.7.1", "8.7.2"],
                },
                {
                    "id": "6.3.2",
                    "title": "Continuity and availability plans",
                    "summary": (
                        "Keep continuity and availability plans that meet the agreed "
                        "requirements."
                    ),
                    "maps_to": ["8.7.1", "8.7.2"],
                },
                {
                    "id": "6.3.3",
                    "title": "Continuity and availability monitoring and testing",
                    "summary": (
                        "Monitor availability and test the continuity plans, acting on what the "
                        "tests show."
                    ),
                    "maps_to": ["8.7.1", "8.7.2"],
                },
                {
                    "id": "6.4",
                    "title": "Budgeting and accounting for services",
                    "summary": "Budget for and account for the cost of the services.",
                    "maps_to": ["8.4.1"],
                },
                {
                    "id": "6.5",
                    "title": "Capacity management",
                    "summary": "Plan and provide the capacity the services need, based on demand.",
                    "maps_to": ["8.4.3", "8.4.2"],
                    "note": (
                        "2018 makes demand management (8.4.2) a process of its own; in 2011 it "
                        "was part of capacity planning."
                    ),
                },
                {
                    "id": "6.6",
                    "title": "Information security management",
                    "summary": (
                        "Protect information with a policy, controls and the handling of changes "
                        "and incidents."
                    ),
                },
                {
                    "id": "6.6.1",
                    "title": "Information security policy",
                    "summary": (
                        "Management approves and communicates an information security policy."
                    ),
                    "maps_to": ["8.7.3.1"],
                },
                {
                    "id": "6.6.2",
                    "title": "Information security controls",
                    "summary": (
                        "Put in place and operate controls against the assessed security risks."
                    ),
                    "maps_to": ["8.7.3.2"],
                },
                {
                    "id": "6.6.3",
                    "title": "Information security changes and incidents",
                    "summary": "Assess changes for security impact and manage security incidents.",
                    "maps_to": ["8.7.3.3", "8.5.1.3"],
                },
                # 7 --------------------------------------------------------------------
                {
                    "id": "7",
                    "title": "Relationship processes",
                    "summary": "Manage the relationships with customers and suppliers.",
                },
                {
                    "id": "7.1",
                    "title": "Business relationship management",
                    "summary": (
                        "Know the customers, review services with them, measure satisfaction and "
                        "handle complaints."
                    ),
                    "maps_to": ["8.3.2"],
                },
                {
                    "id": "7.2",
                    "title": "Supplier management",
                    "summary": "Manage suppliers under contracts that support the agreed services.",
                    "maps_to": ["8.3.4.1", "8.3.4.2"],
                },
                # 8 --------------------------------------------------------------------
                {
                    "id": "8",
                    "title": "Resolution processes",
                    "summary": (
                        "Restore service, fulfil requests and remove the causes of incidents."
                    ),
                },
                {
                    "id": "8.1",
                    "title": "Incident and service request management",
                    "summary": (
                        "Record, prioritise and resolve incidents and fulfil service requests."
                    ),
                    "maps_to": ["8.6.1", "8.6.2"],
                },
                {
                    "id": "8.2",
                    "title": "Problem management",
                    "summary": "Find root causes of incidents and reduce or remove their impact.",
                    "maps_to": ["8.6.3"],
                },
                # 9 --------------------------------------------------------------------
                {
                    "id": "9",
                    "title": "Control processes",
                    "summary": "Keep control of configuration, changes and releases.",
                },
                {
                    "id": "9.1",
                    "title": "Configuration management",
                    "summary": (
                        "Record configuration items and keep their data accurate under control."
                    ),
                    "maps_to": ["8.2.6"],
                },
                {
                    "id": "9.2",
                    "title": "Change management",
                    "summary": (
                        "Assess, approve, carry out and review changes under a change policy."
                    ),
                    "maps_to": ["8.5.1"],
                },
                {
                    "id": "9.3",
                    "title": "Release and deployment management",
                    "summary": "Plan, build, test and deploy releases into the live environment.",
                    "maps_to": ["8.5.3"],
                },
            ],
        },
    },
}
