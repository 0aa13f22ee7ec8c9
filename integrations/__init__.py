"""Into the customer's own LMS: the LTI 1.3 tool (launch, sign-in, grade posts) and SCORM 1.2 dispatch."""
