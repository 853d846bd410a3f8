// A tiny stdio MCP server for the bridge's tests, on the SDK that @modelcontextprotocol/server-everything brings:
// "add-tool" adds a tool and sends tools/list_changed, "crash" exits the process, "pid" tells its process id.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ListToolsRequestSchema, CallToolRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const schema = { type: "object", properties: {} };
const tools = [
  { name: "add-tool", description: "adds the tool 'extra'", inputSchema: schema },
  { name: "crash", description: "ends the server process", inputSchema: schema },
  { name: "pid", description: "the server's process id", inputSchema: schema },
];
const server = new Server({ name: "toy", version: "1.0.0" }, { capabilities: { tools: { listChanged: true } } });
const text = (t) => ({ content: [{ type: "text", text: t }] });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (req) => {
  switch (req.params.name) {
    case "add-tool":
      if (!tools.some((t) => t.name === "extra")) {
        tools.push({ name: "extra", description: "added later", inputSchema: schema });
      }
      setTimeout(() => server.sendToolListChanged(), 10);
      return text("added");
    case "crash":
      setTimeout(() => process.exit(3), 10);
      return text("bye");
    case "pid":
      return text(String(process.pid));
    case "extra":
      return text("extra!");
    default:
      return { content: [{ type: "text", text: "unknown tool" }], isError: true };
  }
});
await server.connect(new StdioServerTransport());
