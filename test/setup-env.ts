// Loaded by jest before every suite (jest.config.js). The AWS SDK v3 warns on Node 20 at load
// time (DESIGN.md: facts about the dependencies); the warning is noise in test output.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
