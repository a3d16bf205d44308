//! The stories the site publishes, and which provider gates each.

/// The product code a subscriber's Payway account carries (Tulo Shop sells it; SSO2, the
/// JS-API and the shop round trip all look for it).
pub(crate) const PRODUCT: &str = "daily-digital";

/// Who decides that a reader may read a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// tiun: a paid, time-based session (`tiun-client`).
    Tiun,
    /// Tulo Payway through SSO2, with a sealed session cookie (`payway-client`).
    Sso2,
    /// Tulo Payway's JS-API `T_ID` cookie (`tulo-jwt`).
    TuloCookie,
    /// A Tulo Shop round trip with authorization tickets (`payway-client`).
    Shop,
    /// Accesstype's meter: a few free stories, then the wall (`accesstype-jwt`).
    Metered,
}

impl Gate {
    /// Where the gate's stories live on the site.
    pub(crate) fn path_prefix(self) -> &'static str {
        match self {
            Self::Tiun => "/tiun/articles",
            Self::Sso2 => "/sso2/articles",
            Self::TuloCookie => "/tulo/articles",
            Self::Shop => "/shop/articles",
            Self::Metered => "/metered/articles",
        }
    }

    /// The gate in words, for the home page.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Tiun => "tiun: pay by the minute",
            Self::Sso2 => "Tulo subscribers, logged in with SSO2",
            Self::TuloCookie => "Tulo subscribers, JS-API T_ID cookie",
            Self::Shop => "Tulo Shop: subscribe and come back",
            Self::Metered => "Accesstype: 3 free stories, then the wall",
        }
    }
}

/// One story.
#[derive(Debug)]
pub(crate) struct Article {
    pub(crate) slug: &'static str,
    pub(crate) gate: Gate,
    pub(crate) title: &'static str,
    pub(crate) standfirst: &'static str,
    pub(crate) paragraphs: &'static [&'static str],
}

impl Article {
    /// The story's address on the site.
    pub(crate) fn path(&self) -> String {
        format!("{}/{}", self.gate.path_prefix(), self.slug)
    }
}

const HARBOUR: &[&str] = &[
    "The harbour board voted late on Tuesday to turn the old ferry terminal into a covered \
     market, ending four years of argument about what the city should do with its waterfront.",
    "Traders will get ten-year leases at fixed rents, and the board promised that a third of the \
     stalls will go to producers from within fifty kilometres.",
    "Work starts in the spring. The first stalls are due to open before next year's regatta.",
];

const MINUTES: &[&str] = &[
    "Readers who would never subscribe will happily pay for the minutes they actually read: \
     that is the bet behind time-based paywalls.",
    "The reader opens a session with a wallet, the page asks the server to check the session \
     before every premium paragraph, and the meter stops when the reader does.",
    "For a newsroom the appeal is simple: no subscription funnel, no cancelled trials, and a \
     price per minute that a reader can see before starting.",
];

const BUDGET: &[&str] = &[
    "The council's draft budget keeps the libraries open on Sundays, and pays for it by \
     delaying the new cycle bridge by a year.",
    "Opposition members called the delay a false economy; the finance committee answered that \
     the bridge's price rose by a fifth since the tender.",
    "The budget goes to a final vote on the fourteenth.",
];

const SCHOOL: &[&str] = &[
    "Three of the city's schools will teach a second language from the first year, starting \
     in August, after a pilot in which reading scores rose in every class that took part.",
    "Teachers asked for smaller groups before the change goes wider; the board has promised an \
     answer before the summer.",
];

const TRAINS: &[&str] = &[
    "The night train to the capital returns in December after a three-year pause, with \
     sleeper cabins rebuilt and a timetable that arrives before the first meetings of the day.",
    "Tickets go on sale on Monday.",
];

const WEATHER: &[&str] = &[
    "Forecasters expect the first frost of the season on Thursday night, two weeks later \
     than the average of the last thirty years.",
    "Gardeners are advised to bring in tender plants; the roads authority has its gritters ready.",
];

const MUSEUM: &[&str] = &[
    "The maritime museum reopens its upper floor after a renovation that found a forgotten \
     collection of ship models in the roof space.",
    "Forty of them go on show from Saturday, beside the logbooks of the ships they copy.",
];

const MARKET: &[&str] = &[
    "House prices in the old town fell for a third month running, while rents kept rising, \
     according to figures from the regional statistics office.",
    "Agents say buyers are waiting for the central bank's decision in January.",
];

/// Every story, in the order the home page lists them.
pub(crate) const ARTICLES: &[Article] = &[
    Article {
        slug: "paying-by-the-minute",
        gate: Gate::Tiun,
        title: "Paying by the minute: the return of micro-payments",
        standfirst: "Newsrooms try a meter that runs only while you read.",
        paragraphs: MINUTES,
    },
    Article {
        slug: "harbour-market",
        gate: Gate::Sso2,
        title: "Old ferry terminal to become a covered market",
        standfirst: "The harbour board ends four years of argument over the waterfront.",
        paragraphs: HARBOUR,
    },
    Article {
        slug: "harbour-market",
        gate: Gate::TuloCookie,
        title: "Old ferry terminal to become a covered market",
        standfirst: "The same story, for readers logged in through Payway's JS-API.",
        paragraphs: HARBOUR,
    },
    Article {
        slug: "council-budget",
        gate: Gate::Shop,
        title: "Sunday libraries saved, cycle bridge delayed",
        standfirst: "What is in the council's draft budget, and what is not.",
        paragraphs: BUDGET,
    },
    Article {
        slug: "second-language",
        gate: Gate::Metered,
        title: "A second language from the first year",
        standfirst: "Three schools widen a pilot that raised reading scores.",
        paragraphs: SCHOOL,
    },
    Article {
        slug: "night-train",
        gate: Gate::Metered,
        title: "The night train is back",
        standfirst: "Sleeper cabins rebuilt, tickets on sale on Monday.",
        paragraphs: TRAINS,
    },
    Article {
        slug: "first-frost",
        gate: Gate::Metered,
        title: "First frost, two weeks late",
        standfirst: "Bring in the tender plants on Thursday.",
        paragraphs: WEATHER,
    },
    Article {
        slug: "ship-models",
        gate: Gate::Metered,
        title: "Forgotten ship models found in the museum's roof",
        standfirst: "Forty go on show from Saturday.",
        paragraphs: MUSEUM,
    },
    Article {
        slug: "house-prices",
        gate: Gate::Metered,
        title: "Old-town prices fall for a third month",
        standfirst: "Rents keep rising while buyers wait for January.",
        paragraphs: MARKET,
    },
];

/// The story `slug` behind `gate`, if the site has it.
pub(crate) fn find(gate: Gate, slug: &str) -> Option<&'static Article> {
    ARTICLES.iter().find(|a| a.gate == gate && a.slug == slug)
}
