//! Phrase banks for the synthetic postings, written for this generator.
//!
//! Sentences hold `{slot}` placeholders that `main.rs` fills (see `fill`). The
//! vocabulary on the CIO and CTO sides is the everyday language of such roles,
//! much of it also found in `lexicon/default.toml`; the generic banks are what
//! any posting says. Order matters: the generator indexes these arrays, so
//! editing them changes every generated corpus (which is fine, but on purpose).

/// Word parts of invented company names: first half.
pub(crate) const NAME_HEADS: &[&str] = &[
    "Alder", "Birch", "Copper", "Dun", "Elm", "Fern", "Gale", "Harrow", "Iron", "Juniper", "Kest",
    "Lark", "Marsh", "North", "Oak", "Pine", "Quarry", "Raven", "Stone", "Thorn", "Umber", "Vale",
    "Willow", "Yarrow", "Ash", "Bram", "Cinder", "Drift", "Ember", "Flint",
];

/// Word parts of invented company names: second half.
pub(crate) const NAME_TAILS: &[&str] = &[
    "field", "gate", "wick", "brook", "stead", "mere", "ford", "leigh", "ridge", "wood", "haven",
    "mont", "hollow", "crest", "bay", "well",
];

/// Company kinds: (name suffix, industry as a noun phrase).
pub(crate) const KINDS: &[(&str, &str)] = &[
    ("Health", "healthcare"),
    ("Logistics", "logistics"),
    ("Labs", "consumer software"),
    ("Software", "business software"),
    ("Mutual", "insurance"),
    ("Foods", "food manufacturing"),
    ("Energy", "renewable energy"),
    ("Partners", "professional services"),
    ("Group", "hospitality"),
    ("Systems", "industrial equipment"),
    ("Analytics", "data and analytics"),
    ("Retail", "retail"),
    ("University", "higher education"),
    ("Council", "local government"),
    ("Hotels", "hospitality"),
    ("Manufacturing", "precision manufacturing"),
    ("Bank", "banking"),
    ("Games", "games"),
    ("Robotics", "robotics"),
    ("Insurance", "insurance"),
    ("Pay", "payments"),
    ("Learning", "education technology"),
];

pub(crate) const CITIES: &[&str] = &[
    "Leeds",
    "Austin",
    "Toronto",
    "Dublin",
    "Denver",
    "Manchester",
    "Melbourne",
    "Rotterdam",
    "Columbus",
    "Pittsburgh",
    "Glasgow",
    "Raleigh",
    "Auckland",
    "Lyon",
    "Bristol",
    "Halifax",
    "Madison",
    "Cork",
    "Tampere",
    "Porto",
];

pub(crate) const WORK_MODES: &[&str] = &[
    "Hybrid (3 days on site)",
    "On site",
    "Remote within the country",
    "Hybrid",
    "Remote-first",
    "Full time, permanent",
    "Full-time · 12-month contract",
];

pub(crate) const DEPARTMENTS: &[&str] = &[
    "finance",
    "operations",
    "marketing",
    "the executive team",
    "legal",
    "people and culture",
    "sales",
    "procurement",
    "clinical services",
    "customer support",
];

pub(crate) const PRODUCTS: &[&str] = &[
    "booking platform",
    "payments API",
    "logistics app",
    "telehealth service",
    "analytics suite",
    "smart thermostat",
    "learning platform",
    "claims portal",
    "fleet tracking product",
    "developer tools",
    "recommendation engine",
    "marketplace",
];

pub(crate) const CIO_TOOLS: &[&str] = &[
    "ServiceNow",
    "Active Directory",
    "Intune",
    "SAP",
    "Microsoft 365",
    "VMware",
    "Okta",
    "Jamf",
    "NetSuite",
    "Workday",
    "Citrix",
    "SharePoint",
    "Veeam",
    "Meraki",
    "Microsoft Dynamics",
];

pub(crate) const CTO_TOOLS: &[&str] = &[
    "Kubernetes",
    "React",
    "TypeScript",
    "Go",
    "Rust",
    "Python",
    "Kotlin",
    "GraphQL",
    "Terraform",
    "Docker",
    "Swift",
    "Java",
    "Scala",
    "PostgreSQL",
    "Kafka",
];

pub(crate) const YEARS: &[&str] = &["3+", "5+", "7+", "8-10", "ten or more", "at least six"];

pub(crate) const BIG_COUNTS: &[&str] = &[
    "400", "1,200", "2,500", "4,000", "9,000", "15,000", "60,000", "250,000",
];

pub(crate) const MONEY: &[&str] = &["£1.2m", "$3m", "$850k", "€2m", "$12m", "£400k"];

pub(crate) const COUNTRIES: &[&str] = &[
    "the UK",
    "the US",
    "Canada",
    "Ireland",
    "Australia",
    "the Netherlands",
    "New Zealand",
];

/// Titles by profile; a seniority word or region may be added.
pub(crate) const CIO_TITLES: &[&str] = &[
    "Chief Information Officer",
    "IT Director",
    "Head of IT",
    "IT Infrastructure Manager",
    "Director of Information Technology",
    "IT Operations Manager",
    "VP, IT Services",
    "Enterprise Systems Manager",
    "IT Service Delivery Lead",
    "Systems Administrator",
    "IT Support Manager",
    "Head of IT Operations",
];

pub(crate) const CTO_TITLES: &[&str] = &[
    "Chief Technology Officer",
    "VP of Engineering",
    "Head of Engineering",
    "Engineering Manager",
    "Director of Software Engineering",
    "Principal Software Engineer",
    "Staff Backend Engineer",
    "Head of Platform Engineering",
    "Technical Lead, Mobile",
    "Director of Product Engineering",
    "Founding Engineer",
    "Machine Learning Engineering Lead",
];

pub(crate) const BLENDED_TITLES: &[&str] = &[
    "Director of Technology",
    "Head of Technology",
    "Chief Technology and Information Officer",
    "Technology Lead",
    "VP Technology",
    "Chief Digital Officer",
    "IT and Engineering Manager",
];

/// Non-technology job families: (titles, responsibilities, requirements).
pub(crate) type Family = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

pub(crate) const NONE_FAMILIES: &[Family] = &[
    (
        &[
            "Registered Nurse",
            "Charge Nurse",
            "Clinical Nurse Specialist",
            "Community Midwife",
        ],
        &[
            "Deliver safe, compassionate care to patients on a {n}-bed ward.",
            "Assess patients on admission and agree care plans with the wider clinical team.",
            "Administer medication and keep accurate, timely clinical records.",
            "Support newly qualified nurses and students on placement.",
            "Escalate changes in a patient's condition promptly and calmly.",
            "Take charge of the ward on rotation, including handovers and staffing.",
            "Talk families through discharge plans and follow-up appointments.",
            "Take part in audits of infection control and falls prevention.",
        ],
        &[
            "Current registration with the nursing regulator in {country}.",
            "At least two years of post-registration experience in acute care.",
            "Basic life support certificate, renewed annually.",
            "Willingness to work nights, weekends and public holidays on a rota.",
            "A calm, kind manner with patients and relatives.",
        ],
    ),
    (
        &[
            "Account Executive",
            "Enterprise Sales Manager",
            "Business Development Representative",
            "Regional Sales Lead",
        ],
        &[
            "Manage a pipeline of mid-market accounts and close new business each quarter.",
            "Prospect into new territories through calls, events and referrals.",
            "Run discovery meetings to understand customer needs and buying processes.",
            "Negotiate commercial terms and renewals with procurement teams.",
            "Keep forecasts accurate and opportunities up to date in our CRM.",
            "Work with marketing on campaigns that generate qualified leads.",
            "Exceed a quarterly quota and grow revenue in your region.",
            "Hand over new clients smoothly to the account management team.",
        ],
        &[
            "{years} years of quota-carrying sales experience.",
            "A record of closing deals with long sales cycles.",
            "Confident presenting to senior buyers.",
            "Happy to travel to meet clients around {city}.",
            "Resilience, curiosity and a competitive streak.",
        ],
    ),
    (
        &[
            "Senior Accountant",
            "Finance Manager",
            "Payroll Specialist",
            "Financial Controller",
        ],
        &[
            "Prepare month-end journals, accruals and balance sheet reconciliations.",
            "Produce management accounts and variance commentary for budget holders.",
            "Coordinate the annual external audit and statutory accounts.",
            "Process payroll for {big} employees accurately and on time.",
            "Review expense claims and supplier invoices against policy.",
            "Support the annual budget and quarterly reforecasts.",
            "Improve month-end close so it finishes within five working days.",
            "Manage VAT and sales tax returns with our advisors.",
        ],
        &[
            "A recognised accounting qualification (ACA, ACCA, CIMA or CPA).",
            "{years} years of experience in a finance team.",
            "Advanced spreadsheet skills.",
            "A methodical approach and an eye for detail.",
            "Knowledge of payroll legislation in {country}.",
        ],
    ),
    (
        &[
            "Warehouse Supervisor",
            "Operations Coordinator",
            "Shift Manager",
            "Transport Planner",
        ],
        &[
            "Supervise a shift of {n} warehouse operatives across picking, packing and dispatch.",
            "Plan daily routes for our fleet of delivery vans and drivers.",
            "Keep the site safe: toolbox talks, near-miss reporting and audits.",
            "Monitor productivity against targets and coach the team to improve.",
            "Handle stock counts, goods-in discrepancies and returns.",
            "Schedule holidays, overtime and agency cover for peak season.",
            "Liaise with carriers and customers about delays.",
        ],
        &[
            "Previous supervisory experience in a warehouse or distribution centre.",
            "A counterbalance forklift licence is an advantage.",
            "Able to work early and late shifts.",
            "Clear communicator who leads by example.",
        ],
    ),
    (
        &[
            "Marketing Manager",
            "Brand Manager",
            "Content Lead",
            "Events Manager",
        ],
        &[
            "Plan and run campaigns across email, paid social, search and events.",
            "Grow brand awareness in {city} and beyond.",
            "Write and edit copy for the website, newsletters and case studies.",
            "Manage agencies and freelancers against a clear brief and budget.",
            "Report on campaign performance and what we learned.",
            "Organise our annual conference and regional meetups.",
            "Work with sales on messaging for each customer segment.",
        ],
        &[
            "{years} years in a marketing role, ideally {ind}.",
            "Excellent writing and an eye for design.",
            "Comfortable with marketing automation and web analytics tools.",
            "Able to juggle several campaigns at once.",
        ],
    ),
    (
        &[
            "HR Business Partner",
            "Recruiter",
            "People Operations Manager",
            "Learning and Development Lead",
        ],
        &[
            "Advise managers on employee relations, performance and absence.",
            "Run end-to-end recruitment for roles across the business.",
            "Lead the annual engagement survey and the action plans that follow.",
            "Design onboarding and training that help new starters settle in.",
            "Keep policies and contracts compliant with employment law in {country}.",
            "Support restructures and consultations with care.",
            "Analyse turnover and absence data and present trends.",
        ],
        &[
            "CIPD level 5 or equivalent HR qualification.",
            "{years} years in a generalist HR role.",
            "Sound knowledge of employment law.",
            "Discretion and good judgement.",
        ],
    ),
];

/// Opening sentences about the company (its boilerplate section).
pub(crate) const BLURB: &[&str] = &[
    "{co} is a {ind} business founded in {city} in {year}.",
    "Today we employ {big} people across {n} locations.",
    "We are proud of our reputation for quality, fairness and doing what we say.",
    "Our customers rely on us every day, and we take that seriously.",
    "We have grown steadily for {n} years and are profitable, independent and ambitious.",
    "{co} was named one of the best places to work in {city} last year.",
    "Our mission is simple: make {ind} work better for everyone it touches.",
    "We are backed by long-term investors and are expanding into {country}.",
    "Our teams are small, trusted and close to the people we serve.",
    "Sustainability matters to us; we aim to reach net zero by {year2}.",
    "From our app to our branches, we try to make every interaction simple.",
    "We are a not-for-profit organisation reinvesting every surplus in our community.",
];

/// One-paragraph role summaries by profile.
pub(crate) const CIO_SUMMARY: &[&str] = &[
    "As {title} you will lead internal IT for {big} employees, keeping the systems the business runs on secure, reliable and good value.",
    "This role owns IT operations end to end, from the service desk to the data centre, and reports to the CFO.",
    "You will take charge of our IT infrastructure and enterprise applications and build an IT team that internal users trust.",
    "We are looking for a steady hand to run technology infrastructure, IT governance and vendor management across {n} sites.",
    "You will lead the IT department through an ERP implementation and a move of our server infrastructure to the cloud.",
];

pub(crate) const CTO_SUMMARY: &[&str] = &[
    "As {title} you will lead the engineering team that builds the {prod} our customers use every day.",
    "This role owns product engineering, from technical vision to shipping features, and reports to the CEO.",
    "You will shape the software architecture of our {prod}, grow the engineering organization and keep our release cadence high.",
    "We are looking for a builder who loves writing code as much as hiring engineers and growing an engineering culture.",
    "You will take our {prod} from proof of concept to a scalable software product used by millions of users.",
];

pub(crate) const BLENDED_SUMMARY: &[&str] = &[
    "As {title} you will own both our internal IT and the engineering team behind our {prod}.",
    "This role covers corporate IT, the service desk and business systems, as well as software development for the products we sell.",
    "You will balance keeping the lights on for internal users with building new digital products for customers.",
    "We need one technology leader for the IT infrastructure that runs the business and the product engineering that grows it.",
];

pub(crate) const NONE_SUMMARY: &[&str] = &[
    "As {title} you will join a friendly team in {city} and make a real difference from day one.",
    "This is a chance to grow your career with a {ind} organisation that invests in its people.",
    "You will work closely with colleagues across {dept} and report to the head of the department.",
    "We are looking for someone organised, warm and practical to join us as {title}.",
];

/// Responsibilities any posting may list.
pub(crate) const GENERIC_DUTIES: &[&str] = &[
    "Work closely with colleagues in {dept} to agree priorities and report progress every month.",
    "Prepare clear written updates for the leadership team and present them at quarterly reviews.",
    "Build strong relationships with partners, peers and the wider {co} community.",
    "Recruit, coach and develop a team of {n} people, setting goals and giving regular feedback.",
    "Own the annual plan for your area and track delivery against it.",
    "Identify risks early, propose options and escalate when decisions are needed.",
    "Keep documentation, procedures and training material current.",
    "Represent the team in planning sessions and business reviews.",
    "Manage a budget of around {money} and report on spend against forecast.",
    "Champion a culture of safety, inclusion and continuous learning.",
    "Travel to our {city} office roughly {n} days a month.",
    "Take part in an on-call rota shared fairly across the senior team.",
    "Make sure the team's work meets our quality standards and legal obligations.",
    "Lead by example in how we treat colleagues, customers and suppliers.",
];

/// Requirements any posting may list.
pub(crate) const GENERIC_REQUIREMENTS: &[&str] = &[
    "Excellent written and verbal communication skills.",
    "{years} years of relevant experience, including time leading a team.",
    "Comfortable managing competing priorities in a fast-moving environment.",
    "A collaborative style and the ability to influence without authority.",
    "Strong organisational skills and attention to detail.",
    "Right to work in {country}; this role requires a background check.",
    "A valid driving licence is helpful but not essential.",
    "Proficiency with spreadsheets and presentation tools.",
    "A degree or equivalent experience.",
    "Fluent English; a second language is a bonus.",
];

pub(crate) const CIO_DUTIES: &[&str] = &[
    "Lead the IT team of {n} engineers and technicians supporting {big} internal users across {n} sites.",
    "Own the service desk, including first call resolution, ticket volume and user satisfaction.",
    "Manage the IT budget, vendor contracts and license management with a focus on total cost of ownership.",
    "Plan the hardware refresh and system upgrades with minimal disruption to current operations.",
    "Run IT operations: patching, backup and recovery, maintenance windows and incident management.",
    "Maintain the network infrastructure, firewalls, VPN and WiFi at every site.",
    "Administer {cio_tool} and Active Directory, including user provisioning and IT onboarding.",
    "Develop the IT roadmap and IT policies with department heads and the finance team.",
    "Oversee the ERP implementation and its integration with existing systems such as {cio_tool}.",
    "Ensure compliance with SOX, PCI DSS and data retention rules, and prepare for IT audits.",
    "Manage relationships with IT vendors and our managed service provider.",
    "Lead disaster recovery and business continuity planning, with a tested recovery time objective.",
    "Improve system reliability and uptime of the business systems used by HR and finance.",
    "Chair the IT steering committee and report on IT projects to the executive team.",
    "Run security awareness training and vulnerability management across every endpoint.",
    "Coordinate the cloud migration of our on-premises server infrastructure.",
    "Support internal customers with laptops, printers, telephony and {cio_tool}.",
    "Keep the CMDB and IT asset management records accurate.",
    "Set IT standards for device management, identity and access management and single sign-on.",
];

pub(crate) const CIO_REQUIREMENTS: &[&str] = &[
    "{years} years in IT management, ideally in {ind}.",
    "Hands-on knowledge of Windows Server, VMware and Active Directory.",
    "ITIL certification or equivalent experience with IT service management.",
    "Experience running an IT department with in-house staff and IT vendors.",
    "Familiarity with {cio_tool}, Intune and mobile device management.",
    "A track record of delivering IT projects on time and within the technology budget.",
    "Understanding of information security frameworks such as ISO 27001 or NIST.",
    "A degree in information systems, information technology or a related field.",
    "Experience with ERP systems such as SAP, NetSuite or Microsoft Dynamics.",
    "Confidence explaining technology investments to business stakeholders.",
];

pub(crate) const CTO_DUTIES: &[&str] = &[
    "Lead an engineering team of {n} building the {prod} used by {big} customers.",
    "Set the technical vision and technical roadmap with product managers and design.",
    "Ship features quickly and safely through CI/CD, feature flags and code review.",
    "Own the product architecture: microservices, public APIs and the data model behind them.",
    "Hire engineers, mentor engineers and grow an engineering culture built on ownership.",
    "Pay down technical debt and refactor legacy code while keeping release cadence high.",
    "Scale the platform for millions of users while keeping latency low.",
    "Work with customers and design partners to turn customer feedback into product features.",
    "Drive new product development from proof of concept to general availability.",
    "Build our machine learning and data science capability, from model training to model serving.",
    "Improve engineering velocity with DORA metrics and better developer tooling.",
    "Champion experimentation: A/B tests, product analytics and rapid iteration.",
    "Represent engineering with investors and at developer community events.",
    "Choose the tech stack for new services, with {cto_pair} as our defaults.",
    "Keep the backend and frontend codebase healthy with unit tests and clear technical design.",
    "Work on our mobile app for iOS and Android alongside the web app.",
    "Own application security and site reliability engineering for the {prod}.",
];

pub(crate) const CTO_REQUIREMENTS: &[&str] = &[
    "{years} years of software engineering, with at least {n} leading teams.",
    "Deep experience with {cto_pair} in production.",
    "Experience designing distributed systems and cloud-native services on Kubernetes.",
    "A computer science degree or equivalent practical experience.",
    "You still enjoy writing code, reviewing pull requests and writing unit tests.",
    "Experience taking a software product from zero to one at an early stage company.",
    "Familiarity with mobile app development on iOS or Android.",
    "Knowledge of application security and site reliability engineering.",
    "Open source contributions are a plus.",
    "Comfort with cloud infrastructure as code (Terraform) and Docker.",
];

/// Sentences that negate a term, so the negation scope gets work.
pub(crate) const NEGATIONS: &[&str] = &[
    "No prior ERP experience is needed; we will train you.",
    "This is not a software engineering role.",
    "Experience with Kubernetes is not required.",
    "You won't manage the service desk, which sits with our partner.",
    "Knowledge of SAP is not essential.",
];

pub(crate) const BENEFITS: &[&str] = &[
    "{n} days of paid time off plus public holidays.",
    "Private medical, dental and vision cover for you and your family.",
    "A pension with employer contributions of up to {pct}%.",
    "A 401(k) plan with a company match.",
    "Flexible working hours and a home-office allowance.",
    "An annual learning budget of {money_small} for courses, books and conferences.",
    "Enhanced parental leave of up to {n} weeks.",
    "A cycle-to-work scheme and free parking on site.",
    "Employee assistance programme and wellbeing days.",
    "Share options so that everyone owns part of what we build.",
    "A new laptop and the equipment you need from day one.",
    "Volunteering days to support causes you care about.",
    "Subsidised meals in our staff café.",
];

pub(crate) const SALARY_LINES: &[&str] = &[
    "The base salary range for this role is {pay}, plus bonus.",
    "Pay transparency: we expect to offer {pay} depending on experience.",
    "Salary: {pay} per year.",
];

pub(crate) const PAY: &[&str] = &[
    "$95,000 – $120,000",
    "£55,000 - £68,000",
    "$140,000 – $175,000",
    "€70,000 - €85,000",
    "$180,000 – $230,000",
    "£38,000 - £44,000",
];

pub(crate) const EEO: &[&str] = &[
    "{co} is an equal opportunity employer. We consider all applicants without regard to race, colour, religion, sex, sexual orientation, gender identity, national origin, disability or protected veteran status.",
    "We are committed to building a diverse team and welcome applications from people of every background. If you need a reasonable accommodation at any stage of the process, please tell us.",
    "{co} is proud to be an equal employment opportunity workplace. We participate in E-Verify.",
    "We value diversity and are committed to an inclusive process. Adjustments are available on request, and your data is handled under our privacy notice.",
];

/// Heading spellings: (about the company, the role, responsibilities, requirements, nice to have, benefits, equal opportunity).
pub(crate) const HEADINGS: &[[&str; 7]] = &[
    [
        "About {co}",
        "About the role",
        "Responsibilities",
        "Requirements",
        "Nice to have",
        "Benefits",
        "Equal opportunity",
    ],
    [
        "Who we are",
        "The role",
        "What you'll do",
        "What we're looking for",
        "Bonus points",
        "What we offer",
        "Diversity and inclusion",
    ],
    [
        "ABOUT US",
        "OVERVIEW",
        "KEY RESPONSIBILITIES",
        "QUALIFICATIONS",
        "PREFERRED QUALIFICATIONS",
        "PERKS",
        "EEO STATEMENT",
    ],
    [
        "Our company:",
        "Position summary:",
        "Duties:",
        "Skills and experience:",
        "Desirable:",
        "Total rewards:",
        "Equal employment:",
    ],
];

/// Bullet marks (the empty mark leaves the line unbulleted).
pub(crate) const BULLETS: &[&str] = &["- ", "• ", "* ", ""];

/// Headings of the prose sections that long postings add after the lists.
pub(crate) const PROSE_HEADINGS: &[&str] = &[
    "The team",
    "How we work",
    "A typical week",
    "What success looks like",
    "Working here",
    "Why this role matters",
];

/// Prose any posting may use to describe the team, the work and the hiring process.
pub(crate) const GENERIC_PROSE: &[&str] = &[
    "You will join a team of {n} people who have worked together for several years and like to share what they know.",
    "Most weeks start with a short planning meeting, and the rest of the week is yours to organise.",
    "We prefer written proposals to long meetings, so that people in every time zone can take part.",
    "In your first ninety days you will meet the people you work with, learn how decisions are made and agree your priorities with your manager.",
    "By the end of your first year we would expect you to have shaped how the team plans, measures and reports its work.",
    "Our interview process has four steps: a call with the recruiter, a conversation with the hiring manager, a practical exercise and a panel with future colleagues.",
    "We will tell you the outcome of every stage within a week, whatever it is.",
    "The role is based in {city}, and the team meets in person once a quarter.",
    "We measure success by outcomes for the people we serve rather than hours spent at a desk.",
    "You will report to the {boss} and sit on the wider leadership group.",
    "We review pay every year and publish the bands for every level internally.",
    "There is room to grow: several of our current leaders joined in roles like this one.",
    "Decisions are made close to the work, and we expect you to speak up when you disagree.",
    "Some evening and weekend work is needed a few times a year, and we give the time back.",
    "If you are excited by this role but do not meet every requirement, we would still like to hear from you.",
    "The last person in this role moved on to lead a larger part of {co}, which is why we are hiring now.",
];

pub(crate) const CIO_PROSE: &[&str] = &[
    "The IT team looks after {big} users, {n} offices and a mix of cloud and on-premises systems.",
    "Over the next two years we will replace legacy systems, consolidate our data centre and renew our network infrastructure.",
    "Success means fewer incidents, faster first call resolution and business users who trust the service desk.",
    "You will present the IT strategy and the technology budget to the board twice a year.",
    "Our internal systems include {cio_pair}, plus a finance platform that is due for an upgrade.",
    "A large part of the role is vendor management: our managed service provider runs the overnight support desk.",
    "We are halfway through an ERP implementation and need someone to see it through and embed it.",
    "Cybersecurity is a standing item at every board meeting, and you will own our response plan.",
    "You will keep the lights on while moving us steadily towards simpler, cheaper IT operations.",
    "Internal customers should find IT easy to reach, quick to help and honest about trade-offs.",
];

pub(crate) const CTO_PROSE: &[&str] = &[
    "The engineering team is {n} developers across backend, frontend, mobile and data, organised in small product squads.",
    "We deploy to production dozens of times a day, and every engineer is on the rota for the systems they build.",
    "Over the next year we will rebuild the core of the {prod} as a set of services with clear public APIs.",
    "Success means shipping features customers love, at a steady release cadence, without burning the team out.",
    "Our tech stack is {cto_pair}, running on Kubernetes in the cloud.",
    "You will work closely with product managers and designers from discovery to launch.",
    "We invest in developer experience: fast builds, good tests and a design system the whole team uses.",
    "Machine learning is becoming central to the product, and you will decide how we build and serve models.",
    "We are an early stage company, so expect to write code in your first weeks and to help hire the next ten engineers.",
    "Customer feedback reaches engineers directly, and we hold a monthly session with design partners.",
];

/// Who the role reports to, for `{boss}`.
pub(crate) const BOSSES: &[&str] = &[
    "chief executive",
    "chief operating officer",
    "chief financial officer",
    "managing director",
    "head of the department",
];

/// Sentences about the particulars of a job, filled with the vocabulary's
/// words (`{w}`, `{topic}`) and invented names (`{name}`): the trade's jargon,
/// clients, sites and tools that make every real posting's words its own.
/// Written to hold no term of the default lexicon, so they change a posting's
/// length and variety, not its label.
pub(crate) const DETAILS: &[&str] = &[
    "Day to day you will handle {w} and {w} for the {name} account.",
    "Most of the work is {topic} {w}, with some {w} {w} when the season asks for it.",
    "Familiarity with {w} {w} or {w} {w} helps.",
    "You will look after {w} at our {name} site and the {w} yard next door.",
    "The {topic} group meets on Thursdays to go through {w}, {w} and anything left over.",
    "Knowledge of {topic} {w} is useful but not required.",
    "We use {name} for {w} and {name} for {w}, and you will learn both in your first weeks.",
    "Expect to spend time on {w} {w}, {w} reviews and the occasional {w} visit.",
    "Past hires came from {w}, {w} or {topic} backgrounds.",
    "People at {name} and {name} value {w} above all, followed closely by {w}.",
    "You will keep the {topic} {w} log and the {w} register up to date.",
    "Our office sits between the {name} {w} and the {name} station.",
    "You will take part in the {w} rota about one week in {n}.",
    "This year the team is focused on {topic} {w} and a new {w} for the {name} region.",
    "Bring examples of {w} or {w} you have worked on; a short portfolio is fine.",
    "Certificates in {w} or {topic} are welcome, as is equivalent {w}.",
    "You will train new starters in {w} and {w}.",
    "The {name} programme pairs each new hire with a {w} mentor.",
    "Handle incoming {w} requests from the {name} and {name} offices.",
    "Prepare weekly {topic} summaries and the monthly {w} {w} pack.",
    "Maintain the {w} checklist and sign off {w} before each {w} run.",
    "Work with the {name} team on {w} {w} and {topic} questions.",
    "Keep the {w} and {w} stock levels within agreed limits.",
    "Run the quarterly {topic} {w} with colleagues from {name}.",
    "Write clear {w} notes for the {w} handover.",
    "Experience with {name} or a similar {w} tool.",
    "A working knowledge of {topic}, {w} and {w}.",
    "Comfort with {w} {w} in a fast-moving {topic} setting.",
    "A qualification in {w} or {w}, or the equivalent experience.",
    "Some travel to {name} and {name}, usually two days a month.",
    "Tools you will meet here include {name}, {w}, {w} {w}, {w} and {w}.",
    "Useful skills: {w}, {w}, {w}, {topic} {w} and {w} {w}.",
    "Areas you will touch in the first year: {topic}, {w} {w}, {w}, {w} and {w}.",
    "Our {topic} work covers {w}, {w}, {w} {w}, {w} and the odd {w} {w}.",
    "You will join colleagues in {w}, {w}, {w} and {topic} {w}.",
    "Helpful extras are {w} {w}, {w}, {name} and a feel for {w} {w}.",
];

/// Company-paragraph sentences with the vocabulary's words.
pub(crate) const DETAIL_BLURB: &[&str] = &[
    "Our best-known brands are {name}, {name} and {name}.",
    "We started out making {topic} {w} and now also offer {w} and {w}.",
    "Our {name} campus is home to the {topic} and {w} teams.",
    "Last year we opened a {w} centre in {name} and a {w} hub near {name}.",
    "People know us for {topic} {w}, though most of our work is {w}.",
    "We partner with {name} on {w} and with {name} on {topic}.",
];

/// Endings added to list items: the particulars a real bullet trails off into.
pub(crate) const ITEM_TAILS: &[&str] = &[
    ", mostly for the {name} and {w} teams",
    " (for example {w}, {w} or {w} {w})",
    ", alongside {w} {w} and {topic}",
    " across {w}, {w} and {w}",
    ", including {topic} {w} and {w} {w}",
    " for our {name}, {name} and {w} sites",
    ", with help from {w} and {w} specialists",
    " in line with {name} {w} rules",
    " (think {w}, {w}, {topic})",
    ", especially around {w} {w}",
];
