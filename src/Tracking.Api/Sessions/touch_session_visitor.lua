--- @include "visitor_touch"
-- A return visit that counts the visitor's new visit in the same script (visitor_touch.lua), on a cluster: the page's
-- PostHog id's own index, on another slot, is the caller's (posthog: 1).
return touch_with_visitor()
