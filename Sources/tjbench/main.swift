import TablejohnKit
print("placeholder")
