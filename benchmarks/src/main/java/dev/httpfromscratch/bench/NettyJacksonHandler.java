package dev.httpfromscratch.bench;

import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Netty + Jackson peer of the {@code post-json} workload (docs/06-performance.md): a whole
 * request from {@code HttpObjectAggregator}, its body parsed by Jackson into a tree, and the same
 * answer final-server's {@code POST /api} gives, {@code {"received":3,"fields":[{"name":...,
 * "value":...}]}}. So both servers do the same work per request: frame the body, parse the JSON,
 * build and serialize an answer; what differs is the HTTP machinery around it.
 *
 * <p>Like final-server it refuses a body that is not {@code application/json} (415), not JSON
 * or not an object (400), and a key given twice (Jackson's strict duplicate detection).
 * {@code GET} anything answers the 35-byte text of step 3.
 */
final class NettyJacksonHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The aggregator answers 413 beyond this, final-server's default body limit. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    @Override
    protected void channelRead0(ChannelHandlerContext context, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.method().equals(HttpMethod.POST)) {
            NettyHelloServer.respond(context, HttpResponseStatus.OK, NettyHelloServer.rootBody(),
                    NettyHelloServer.TEXT_PLAIN, keepAlive);
            return;
        }
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            answer(context, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, error("Content-Type is not application/json"), keepAlive);
            return;
        }
        JsonNode document;
        try (ByteBufInputStream body = new ByteBufInputStream(request.content())) {
            document = MAPPER.readTree(body);
        } catch (JacksonException | IOException invalid) {
            answer(context, HttpResponseStatus.BAD_REQUEST, error("invalid JSON"), keepAlive);
            return;
        }
        if (document == null || !document.isObject()) {
            answer(context, HttpResponseStatus.BAD_REQUEST, error("the body is not a JSON object"), keepAlive);
            return;
        }
        ObjectNode echo = MAPPER.createObjectNode();
        echo.put("received", document.size());
        ArrayNode fields = echo.putArray("fields");
        for (Map.Entry<String, JsonNode> field : document.properties()) {
            fields.addObject().put("name", field.getKey()).set("value", field.getValue());
        }
        answer(context, HttpResponseStatus.OK, echo, keepAlive);
    }

    private static ObjectNode error(String message) {
        return MAPPER.createObjectNode().put("error", message);
    }

    private static void answer(ChannelHandlerContext context, HttpResponseStatus status, ObjectNode json, boolean keepAlive) {
        NettyHelloServer.respond(context, status, Unpooled.wrappedBuffer(MAPPER.writeValueAsBytes(json)),
                NettyHelloServer.APPLICATION_JSON, keepAlive);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        context.flush(); // one write() for all responses of one read, as the hello handler does
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        if (!(cause instanceof IOException)) {
            cause.printStackTrace(); // a bug in this peer, not a client going away
        }
        context.close();
    }
}
