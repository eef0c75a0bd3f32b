#!/usr/bin/env python3
"""Writes pipelines/easemob-sample/export: a small Easemob export in the shapes documented in
reference/source-exports.md §1 (saved REST responses, hourly gzip history, downloaded files),
including the two real history lines quoted there. Deterministic: `gzip -n`, fixed bytes."""
import json, os, shutil, subprocess, sys

root = sys.argv[1] if len(sys.argv) > 1 else "pipelines/easemob-sample/export"
shutil.rmtree(root, ignore_errors=True)

def write(path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)

def dump(path, value, pretty=True):
    write(path, json.dumps(value, ensure_ascii=False, indent=2 if pretty else None) + "\n")

def envelope(**fields):
    base = {"action": "get", "application": "8be024f0-e978-11e8-b697-5d598d5f8402",
            "organization": "easemob-demo", "applicationName": "chatdemoui", "timestamp": 1496653041422,
            "duration": 12}
    base.update(fields)
    return base

users = ["alice", "Bob", "carol", "dave", "zly_test_1", "zly_test_2", "erin"]
entities = [{"uuid": "uuid-%d" % i, "type": "user", "created": 1496600000000 + i, "modified": 1496600000000 + i,
             "username": u, "activated": u != "erin", "nickname": "push-" + u} for i, u in enumerate(users)]
dump("users/page-0001.json", envelope(entities=entities[:4], cursor="ZGNiMjRmNGY1YjczYjlhYTNkYjk1MDY2YmEyNzFmODQ6aW06dXNlcjo", count=4))
dump("users/page-0002.json", envelope(entities=entities[4:], count=3), pretty=False)
dump("user-attributes/batch-0001.json", envelope(data={
    "alice": {"nickname": "Alice 李", "avatarurl": "https://a1.easemob.com/easemob-demo/chatdemoui/chatfiles/avatar-alice.png", "phone": "13800000001",
              "mail": "alice@example.com", "gender": "2", "sign": "hello", "birth": "1990-01-01",
              "ext": "{\"vip\":1}"},
    "bob": {"nickname": "Bob 王", "gender": 1},
    "zly_test_1": {"nickname": "测试一"},
}))
dump("contacts/alice.json", envelope(data=["Bob", "carol"], count=2))
dump("contacts/Bob.json", envelope(data=["alice", "dave"], count=2), pretty=False)
dump("contacts/zly_test_1.json", envelope(data={"contacts": [{"username": "zly_test_2", "remark": "二号"}],
                                                "cursor": None}))
dump("blocks/carol.json", envelope(data=["dave"], count=1))

dump("chatgroups/1234567890001/details.json", envelope(data=[{
    "id": "1234567890001", "name": "产品讨论", "description": "product talk", "membersonly": False,
    "allowinvites": True, "maxusers": 200, "owner": "easemob-demo#chatdemoui_alice", "created": 1496600000000,
    "custom": "{\"dept\":\"pm\"}", "mute": False, "affiliations_count": 4, "disabled": False, "public": True}]))
dump("chatgroups/1234567890001/members.json", envelope(data=[{"owner": "easemob-demo#chatdemoui_alice"},
    {"member": "Bob"}, {"member": "carol"}, {"member": "zly_test_1"}]))
dump("chatgroups/1234567890001/admins.json", envelope(data=["Bob"]))
dump("chatgroups/1234567890001/mutes.json", envelope(data=[{"user": "carol", "expire": 1800000000000}]))
dump("chatgroups/1234567890002/details.json", envelope(data=[{
    "id": "1234567890002", "name": "night shift", "description": "", "membersonly": True, "allowinvites": False,
    "maxusers": 500, "owner": "Bob", "custom": "", "mute": True, "public": False}]), pretty=False)
dump("chatgroups/1234567890002/members.json", envelope(data=[{"owner": "Bob"}, {"member": "dave"}]))

def msg(msg_id, ts, chat_type, frm, to, body, ext=None, top_from=None):
    payload = {"bodies": [body], "from": frm, "to": to}
    if ext is not None:
        payload["ext"] = ext
    return json.dumps({"msg_id": msg_id, "timestamp": ts, "direction": "outgoing", "to": to,
                       "from": top_from or frm, "chat_type": chat_type, "payload": payload},
                      ensure_ascii=False, separators=(",", ":"))

base = "https://a1.easemob.com/easemob-demo/chatdemoui/chatfiles/"
hour17 = [
    # The two real lines of reference/source-exports.md §1.4 (example B), verbatim.
    '{"msg_id":"339681410363163772","timestamp":"1496653041422","direction":"outgoing","to":"zly_test_1","from":"admin@easemob.com","chat_type":"chat","payload":{"bodies":[{"msg":" test send msg    2 to 1","type":"txt"}],"from":"zly_test_2","to":"zly_test_1"}}',
    '{"msg_id":"339674032473379932","timestamp":"1496651323629","direction":"outgoing","to":"zly_test_1","from":"admin@easemob.com","chat_type":"chat","payload":{"bodies":[{"file_length":128827,"filename":"test1.jpg","secret":"DRGM8OZrEeO1vafuJSo2IjHBeKlIhDp0GCnFu54xOF3M6KLr","size":{"height":1325,"width":746},"type":"img","url":"https://a1.easemob.com/easemob-demo/chatdemoui/chatfiles/65e54a4a-fd0b-11e3-b821-ebde7b50cc4b"}],"from":"zly_test_2","to":"zly_test_1"}}',
    msg("5I02W-XX-8278a", 1496653100000, "chat", "alice", "Bob", {"msg": "welcome to easemob!", "type": "txt"},
        ext={"key1": "value1"}),
    msg("339681410363163800", 1496653200000, "chat", "Bob", "alice",
        {"file_length": 6630, "filename": "test1.amr", "length": 10,
         "secret": "DRGM8OZrEeO1vafuJSo2IjHBeKlIhDp0GCnFu54xOF3M6KLr", "type": "audio",
         "url": base + "0637e55a-f606-11e3-ba23-51f25fd1215b"}),
    msg("339681410363163801", 1496653300000, "chat", "carol", "alice",
        {"addr": "西城区西便门桥 ", "lat": 39.9053, "lng": 116.36302, "type": "loc"}),
    msg("339681410363163802", 1496653400000, "groupchat", "alice", "1234567890001",
        {"msg": "大家好", "type": "txt"}),
    msg("339681410363163803", 1496653500000, "groupchat", "Bob", "1234567890001",
        {"file_length": 20480, "filename": "clip.mp4", "length": 7, "size": {"width": 640, "height": 360},
         "thumb": base + "thumb-1", "thumb_secret": "x", "type": "video", "url": base + "video-clip-0001"}),
    msg("339681410363163804", 1496653600000, "chat", "dave", "carol",
        {"file_length": 1000, "filename": "报告.pdf", "type": "file", "url": base + "file-report-0001"}),
    msg("339681410363163805", 1496653700000, "chat", "alice", "carol",
        {"customEvent": "gift", "customExts": [{"gift": "rose"}, {"count": "3"}], "type": "custom"}),
    msg("339681410363163806", 1496653800000, "groupchat", "carol", "1234567890001",
        {"customEvent": "poll", "v2:customExts": {"question": "lunch?"}, "type": "custom"}),
    msg("339681410363163807", 1496653900000, "chat", "alice", "Bob", {"action": "typing", "type": "cmd"}),
    msg("339681410363163808", 1496654000000, "chatroom", "alice", "room-1", {"msg": "hi room", "type": "txt"}),
]
hour18 = [
    msg("339681410363163900", 1496656800000, "chat", "Bob", "dave", {"msg": "see you", "type": "txt"}),
    msg("339681410363163901", "1496656900000", "groupchat", "dave", "1234567890002", {"msg": "夜班开始", "type": "txt"}),
    msg("339681410363163902", 1496657000000, "chat", "zly_test_1", "zly_test_2", {"msg": "got it", "type": "txt"}),
]
for name, lines in [("2017060517", hour17), ("2017060518", hour18)]:
    write("chatmessages/" + name, "\n".join(lines) + "\n")
    subprocess.run(["gzip", "-n", "-f", os.path.join(root, "chatmessages", name)], check=True)

# Attachments already downloaded, named by the last path segment of their URL.
def blob(name, size, seed):
    data = bytes((seed * 31 + i * 7) % 251 for i in range(size))
    full = os.path.join(root, "files", name)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
blob("65e54a4a-fd0b-11e3-b821-ebde7b50cc4b", 4096, 1)
blob("0637e55a-f606-11e3-ba23-51f25fd1215b", 2048, 2)
blob("video-clip-0001", 8192, 3)
blob("file-report-0001", 1000, 4)
blob("avatar-alice.png", 512, 5)
