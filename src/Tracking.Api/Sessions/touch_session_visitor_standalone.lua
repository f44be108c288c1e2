--- @include "visitor_touch"
--- @include "posthog_visitors"
-- A return visit that counts the visitor's new visit in the same script (visitor_touch.lua), on a store that is not a
-- cluster (a script may then touch any key): the page's PostHog id's own index gets the visitor here when the touch
-- says it needs it (posthog_visitors.lua). One round trip for a new visit of a page that names its PostHog id.
return index_posthog_visitor(touch_with_visitor())
